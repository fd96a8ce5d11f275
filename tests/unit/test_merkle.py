"""The transparency log's Merkle tree (RFC 6962 §2.1, RFC 9162 §2.1; security.md §3.2 item 7)."""

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from jangter.kernel.merkle import (
    EMPTY_ROOT,
    InMemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

# The 8 leaves of the Certificate Transparency reference tests, and the roots of their first 1…8 leaves.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def naive_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH written straight from the definition, as an independent oracle."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(naive_root(leaves[:k]), naive_root(leaves[k:]))


def test_roots_match_the_certificate_transparency_reference_values() -> None:
    tree = InMemoryTree([leaf_hash(d) for d in CT_LEAVES])
    for size, expected in enumerate(CT_ROOTS, start=1):
        assert tree.root(size).hex() == expected
        assert naive_root(CT_LEAVES[:size]).hex() == expected


def test_the_empty_tree_is_the_hash_of_nothing() -> None:
    assert InMemoryTree().root() == EMPTY_ROOT


def test_leaves_and_nodes_are_domain_separated() -> None:
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert leaf_hash(a + b) != node_hash(a, b)


@settings(max_examples=150)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70, unique=True), st.data())
def test_every_inclusion_proof_verifies_and_a_wrong_one_does_not(leaves: list[bytes], data: st.DataObject) -> None:
    tree = InMemoryTree([leaf_hash(x) for x in leaves])
    size = data.draw(st.integers(1, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    expected = naive_root(leaves[:size])
    proof = inclusion_proof(tree, index, size)
    assert tree.root(size) == expected
    assert verify_inclusion(leaf_hash(leaves[index]), index, size, proof, expected)
    assert not verify_inclusion(leaf_hash(leaves[index] + b"!"), index, size, proof, expected)
    if size > 1:
        assert not verify_inclusion(leaf_hash(leaves[index]), (index + 1) % size, size, proof, expected)
        if proof:
            tampered = [bytes(32), *proof[1:]]
            assert not verify_inclusion(leaf_hash(leaves[index]), index, size, tampered, expected)


@settings(max_examples=150)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70), st.data())
def test_every_consistency_proof_verifies_and_a_rewritten_history_does_not(
    leaves: list[bytes], data: st.DataObject
) -> None:
    tree = InMemoryTree([leaf_hash(x) for x in leaves])
    new_size = data.draw(st.integers(1, len(leaves)))
    old_size = data.draw(st.integers(1, new_size))
    proof = consistency_proof(tree, old_size, new_size)
    old_root, new_root = naive_root(leaves[:old_size]), naive_root(leaves[:new_size])
    assert verify_consistency(old_size, new_size, old_root, new_root, proof)
    rewritten = naive_root([b"forged", *leaves[1:old_size]])
    assert not verify_consistency(old_size, new_size, rewritten, new_root, proof)

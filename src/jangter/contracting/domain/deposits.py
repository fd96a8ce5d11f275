"""Deposits and guarantees due: bid bond, contract deposit, defect-repair deposit (koneps-rules §3.5, §5; addendum
Q6, Q8).

Each is "at least N % of the amount"; the rate comes from the rule set in force on the day that matters (the award
day for the contract deposit), so a temporary measure that halves deposits applies exactly on its days. Amounts are
rounded by the rule set (up to the won: the deposit is never short).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jangter.kernel.errors import DomainError
from jangter.kernel.money import require_won, round_won
from jangter.kernel.procurement import Category
from jangter.rules.domain import DefectClass, Ruled, RuleSet


@dataclass(frozen=True)
class Deposit:
    rate_pct: Decimal
    amount: int


def _deposit(rules: RuleSet, rate: Decimal, base: int, key: str) -> Ruled[Deposit]:
    require_won(base, "amount")
    amount = round_won(Decimal(base) * rate / 100, rules.deposits.rounding)
    return rules.ruled(Deposit(rate, amount), key, rules.deposits.source)


def bid_bond(rules: RuleSet, bid_amount: int) -> Ruled[Deposit]:
    """입찰보증금: at least 5 % of the bid (시행령 §37)."""
    return _deposit(rules, rules.deposits.bid_bond_pct, bid_amount, "deposits.bid_bond_pct")


def bid_bond_ceiling(rules: RuleSet, base_amount: int, range_pct: Decimal | None) -> Ruled[Deposit]:
    """The bid-bond guarantee asked before the bid: the bond on the highest bid that can win, the top of the reserve
    price's range (base amount × (1 + range)), so that neither Jangter nor the institution learns the sealed amount
    ([U] docs/rules.md; §3.5 sets the bond on the bid)."""
    require_won(base_amount, "base_amount")
    pct = rules.reserve_price.range_pct if range_pct is None else range_pct
    ceiling = round_won(Decimal(base_amount) * (100 + pct) / 100, rules.deposits.rounding)
    return bid_bond(rules, ceiling)


def contract_deposit(rules: RuleSet, category: Category, contract_amount: int) -> Ruled[Deposit]:
    """계약보증금: goods and services 10 %, works 15 % (시행령 §50, §52)."""
    rate = rules.deposits.contract_deposit_pct[category]
    return _deposit(rules, rate, contract_amount, f"deposits.contract_deposit_pct.{category.value}")


def defect_deposit(rules: RuleSet, defect_class: DefectClass, contract_amount: int) -> Ruled[Deposit]:
    """하자보수보증금 by work type (시행규칙 §72)."""
    rate = rules.deposits.defect_deposit_pct.get(defect_class)
    if rate is None:
        raise ValueError(f"{rules.version} has no defect deposit rate for {defect_class.value}")
    return _deposit(rules, rate, contract_amount, f"deposits.defect_deposit_pct.{defect_class.value}")


def defect_class_for(rules: RuleSet, category: Category, chosen: DefectClass | None) -> DefectClass | None:
    """The work type of a contract's defect-repair guarantee, or None when the rule set asks for none: works take
    the class the agency chose (그 밖의 공사 when it chose none); goods and services have one only where the rule
    set has a rate for them (local contracts)."""
    rates = rules.deposits.defect_deposit_pct
    if category is Category.WORKS:
        if chosen is None:
            return DefectClass.OTHER
        if chosen in (DefectClass.GOODS, DefectClass.SERVICES) or chosen not in rates:
            raise DomainError(
                "defect_class_invalid",
                "공사의 하자보수보증 공종을 선택하십시오.",
                "Choose the work type of the works' defect-repair guarantee.",
                field="defect_class",
            )
        return chosen
    own = DefectClass.GOODS if category is Category.GOODS else DefectClass.SERVICES
    return own if own in rates else None

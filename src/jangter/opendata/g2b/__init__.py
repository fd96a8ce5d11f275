"""A read API shaped like the Korean public data portal's PPS procurement services (조달청 OpenAPI, issue #10 point 3).

``envelope`` (result codes, JSON and XML), ``params`` (the query string), ``fields`` (each operation's item fields),
``queries`` (what is read), one mapping module per portal service (``notices``, ``results``, ``contracts``,
``prespecs``, ``plans``: pure functions from views to items), ``operations`` (each operation's modes) and ``api``
(the routes). See docs/opendata.md.
"""

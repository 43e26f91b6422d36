"""Exports of a candidate's portfolio: a self-contained HTML zip and a PDF.

Both are written from one :class:`~ctom_lti.tools.portfolio.export.document.PortfolioDocument`,
a frozen picture of the portfolio gathered before rendering starts, so the exporters read no
database and can run in a background thread or a command.
"""

"""Reports: strings only, nothing here prints.

``reports`` holds the values a format reads (one per kind of report) and ``formats`` the
registry of formats; each format is one module (``text``, ``markdown``, ``json_report``,
``dot``) that imports no other format. What formats share is in ``labels``, ``lines``,
``words`` and ``graph``.
"""

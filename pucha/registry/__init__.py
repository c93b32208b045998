"""The registry of government sites (SPEC §1).

- ``model``: the tables (sites, columns, history, reviewers' decisions);
- ``importer``: ``import_registry`` reads 附件3/附件4 workbooks or CSV files;
- ``loader``: ``load_sites`` and ``normalise_url``, what the other parts call;
- ``changes``: ``add_site``/``change_site``, every change with its history;
- ``workbook``: ``write_workbook``, the reverse of the import;
- ``records``: the plain records handed to the crawler and the scorers.
"""

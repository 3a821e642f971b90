"""No Django admin: every record here names a child. Records are seen in the child's timeline at
/children/<child id>/, where access is checked and every view logged (apps/accounts/admin_site.py), and they
come in by the bundle import."""

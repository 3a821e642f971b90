"""No Django admin for children. A child's record is seen at /children/<child id>/, where access is checked
against the user's role and teams and every view is written to the access log; an admin page would show
names and dates of birth with neither (apps/accounts/admin_site.py). Children come in by the bundle import."""

"""Signals accounts sends so that higher apps, which accounts may not import, look after their own rows.

`personal_data_requested(sender=User, user=...)`: a receiver returns a dict of sections for the user's
data download, e.g. `{"agenda": [...]}`; keys must be unique across apps and values plain JSON.

`account_deleting(sender=User, user=...)`: sent inside the deletion's transaction, before the user is
anonymised (so a receiver can still read the e-mail address it may need); a receiver deletes or anonymises
the user's rows. Rows the law requires to be kept (invoices) are kept by their app, stripped to what must
stay.
"""

from django.dispatch import Signal

personal_data_requested = Signal()
account_deleting = Signal()

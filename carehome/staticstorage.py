"""Static files as deployed: whitenoise's compressed, hashed files, with each
file's address worked out once a process.

``{% static %}`` asks the storage for a file's hashed address every time a page
names it: the manifest lookup, quoting and joining cost a staff page about a
tenth of its own time (make bench, eight files in the base layout). The
manifest is read once when the process starts and never changes while it
runs, so neither does an address: kept here, a page's later requests look it
up in a dict. A name the manifest lacks still raises every time (nothing is
kept for it).
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

# The names templates give: a few dozen. The bound is for a name made from
# input, which no template does.
MOST = 2000


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._addresses.get(name)
        if found is None:
            found = super().url(name)
            if len(self._addresses) < MOST:
                self._addresses[name] = found
        return found

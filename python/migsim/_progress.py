"""Progress of long calls: tqdm when installed, else a terminal bar on stderr."""

import sys


class _TerminalBar:
    def __init__(self, desc):
        self.desc = desc
        self.tty = sys.stderr.isatty()
        self.drawn = False

    def __call__(self, done, total):
        if not self.tty or total <= 0:
            return
        width = 40
        full = int(width * done / total)
        sys.stderr.write(f"\r{self.desc} [{'#' * full}{'.' * (width - full)}] {done}/{total}")
        sys.stderr.flush()
        self.drawn = True

    def close(self):
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()


class _TqdmBar:
    def __init__(self, tqdm, desc):
        self.bar = tqdm(total=0, desc=desc, unit="sim")

    def __call__(self, done, total):
        if self.bar.total != total:
            self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self):
        self.bar.close()


class _Callback:
    def __init__(self, f):
        self.f = f

    def __call__(self, done, total):
        self.f(done, total)

    def close(self):
        pass


def make(progress, desc):
    """A ``(done, total)`` callback with ``close()``, or None when silent;
    ``progress`` may itself be a ``(done, total)`` callable."""
    if not progress:
        return None
    if callable(progress):
        return _Callback(progress)
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _TerminalBar(desc)
    return _TqdmBar(tqdm, desc)

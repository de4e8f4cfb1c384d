"""The one error type for input the job refuses; it always names the file, line or argument at fault."""


class MirrorError(Exception):
    """Rejected input or state. Raised before anything is committed."""

    # Marker that survives the trip from a Python worker through the JVM back to the driver.
    MARKER = "MirrorError: "

    @classmethod
    def from_worker_failure(cls, failure: BaseException) -> "MirrorError | None":
        """Recovers a MirrorError raised inside a Spark task from the wrapped JVM exception text."""
        text = str(failure)
        at = text.rfind(cls.MARKER)
        if at < 0:
            return None
        return cls(text[at + len(cls.MARKER) :].splitlines()[0].strip())


class ConcurrentWriterError(MirrorError):
    """Another writer committed to the table while this run worked; this run committed nothing."""

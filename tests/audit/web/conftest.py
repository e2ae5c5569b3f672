from evidence_web import console

__all__ = ["console"]

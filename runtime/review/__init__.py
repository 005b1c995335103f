"""Review of a spec change by its author: diff two specs, decide each edit with R1-R11, report it."""

from runtime.review.changes import Change, Kind, diff
from runtime.review.judge import Verdict, judge, judge_all
from runtime.review.report import Finding, Review, review

__all__ = ["Change", "Finding", "Kind", "Review", "Verdict", "diff", "judge", "judge_all", "review"]

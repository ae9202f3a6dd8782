"""Dataset matchers: a learned metric on meta-features, and auto-sklearn's L1 baseline."""

from ._matcher import (
    BaseMatcher,
    L1Matcher,
    LearnedMatcher,
    MatcherConfig,
    performance_similarity,
)

__all__ = ["BaseMatcher", "L1Matcher", "LearnedMatcher", "MatcherConfig", "performance_similarity"]

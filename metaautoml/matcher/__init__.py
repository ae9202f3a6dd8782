"""Dataset matchers: a learned metric on meta-features, and auto-sklearn's L1 baseline.

The warm start takes any :class:`Matcher`; the kinds registered with :func:`register_matcher`
(``"learned"`` and ``"l1"`` here) can be meta-trained, saved and loaded with the artifacts
(:func:`save_matcher`, :func:`load_matcher`): a new matcher is one registered class.
"""

from ._matcher import (
    BaseMatcher,
    L1Matcher,
    LearnedMatcher,
    MatcherConfig,
    performance_similarity,
)
from ._registry import (
    DEFAULT_MATCHER_KIND,
    Matcher,
    load_matcher,
    make_matcher,
    matcher_class,
    matcher_kinds,
    register_matcher,
    save_matcher,
    unregister_matcher,
)

__all__ = [
    "DEFAULT_MATCHER_KIND",
    "BaseMatcher",
    "L1Matcher",
    "LearnedMatcher",
    "Matcher",
    "MatcherConfig",
    "load_matcher",
    "make_matcher",
    "matcher_class",
    "matcher_kinds",
    "performance_similarity",
    "register_matcher",
    "save_matcher",
    "unregister_matcher",
]

"""Independent values for ProblemStatisticsTests (numpy + scipy; run in a venv outside the repo):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy scipy
    /tmp/venv/bin/python Tests/RunStoreTests/Fixtures/statistics_expectations.py

The tests hard-code the numbers this prints; they do not run Python."""
import itertools

import numpy as np
from scipy import stats


def exact_bootstrap_quantiles(values, qs=(0.025, 0.975)):
    """Every n^n resample of n values, equally likely; quantiles of their means (numpy's default rule)."""
    n = len(values)
    means = np.array([np.mean(c) for c in itertools.product(values, repeat=n)])
    return np.quantile(means, qs)


def scipy_percentile(values, seed=0):
    r = stats.bootstrap((np.array(values),), np.mean, n_resamples=10_000, method="percentile",
                        confidence_level=0.95, random_state=np.random.default_rng(seed))
    return r.confidence_interval.low, r.confidence_interval.high


def sign_flip_exact(d):
    d = np.array([x for x in d if x != 0], dtype=float)  # a zero difference is the same under either sign
    r = stats.permutation_test((d,), np.mean, permutation_type="samples", n_resamples=np.inf,
                               alternative="two-sided")
    return r.pvalue


one_in_ten = [1.0] + [0.0] * 9
# The mean of a resample is Binomial(10, 0.1) / 10: its 2.5% and 97.5% quantiles.
print("one in ten: binomial quantiles", stats.binom.ppf([0.025, 0.975], 10, 0.1) / 10,
      "scipy percentile:", scipy_percentile(one_in_ten))
fractional = [0.0, 0.1, 0.25, 0.5, 0.9]
print("fractional: exact bootstrap quantiles", exact_bootstrap_quantiles(fractional),
      "scipy percentile:", scipy_percentile(fractional))
print("ten drops, twenty ties: exact sign-flip p", sign_flip_exact([-1.0] * 10 + [0.0] * 20))
print("three drops, one gain: exact sign-flip p", sign_flip_exact([-1.0, -1.0, -1.0, 1.0] + [0.0] * 26))
mixed = [-0.5, -0.25, 0.1, -0.9, -0.3, 0.2, -0.05, -0.7, 0.0, -0.15, 0.4, -0.6]
print("mixed fractional: exact sign-flip p", sign_flip_exact(mixed))
print("25 drops, 5 gains: exact two-sided binomial p", stats.binomtest(5, 30, 0.5).pvalue)

"""Random streams of their own for every member of an ensemble, drawn for all members at once.

A member's draws depend only on ``(seed, key, stream, member index, draw number)``, never on
which other members are simulated with it, in which order or in which process: that is what
makes an ensemble's results identical however its members are chunked, ordered or distributed
(:mod:`sim.running.ensemble`). The streams are

- :data:`PEOPLE` -- the sampled characteristics (:func:`sample_members`),
- :data:`ATTENDANCE` -- one uniform per planned session (attends if below their attendance),
- :data:`NOISE` -- the measurement noise of a trial, one normal per assessment.

*Construction.* ``numpy.random.SeedSequence(seed, spawn_key=(key, stream))`` hashes the seed, the
ensemble's key (a trial arm's CRC-32) and the stream into a 64-bit stream key ``k``. Member
``i``'s generator is SplitMix64 (Steele, Lea & Flood 2014, OOPSLA: the seeding generator of the
xoshiro family, which passes BigCrush) started at ``s_i``, the ``i``-th output of SplitMix64
started at ``k``; draw ``j`` of member ``i`` is thus ``mix(s_i + (j + 1) gamma)`` with
``s_i = mix(k + (i + 1) gamma)``. Both levels are closed forms of the index, so any set of
members' draws is a few vectorised uint64 operations. Measured on the 2-core machine the
engine was built on: the characteristics of 10,000 members (12 draws each) take 2.4 ms and
their attendance for 24 weeks (120 draws each) 32 ms, where one ``SeedSequence`` per member
alone takes ~0.10 s, and with a ``Generator`` drawing 12 numbers ~0.2 s (three streams
~0.6 s). Uniforms keep the top 53 bits, in (0, 1); normals are Box-Muller pairs of uniforms.
"""

from __future__ import annotations

import numpy as np

from sim.input.population import Population

PEOPLE, ATTENDANCE, NOISE = 0, 1, 2
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function (Stafford's Mix13) on uint64 arrays (wrapping arithmetic)."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def stream_key(seed: int, key: int, stream: int) -> np.uint64:
    """The 64-bit key of one stream of an ensemble (``SeedSequence`` of seed, key and stream)."""
    state = np.random.SeedSequence(int(seed), spawn_key=(int(key), int(stream)))
    return np.uint64(state.generate_state(1, np.uint64)[0])


def bits(k: np.uint64, members: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` 64-bit draws of each member's generator, shape ``(len(members), n)``."""
    index = np.asarray(members, dtype=np.uint64)
    with np.errstate(over="ignore"):
        start = _mix(k + (index + np.uint64(1)) * _GAMMA)
        steps = np.arange(1, n + 1, dtype=np.uint64) * _GAMMA
        return _mix(start[:, None] + steps[None, :])


def uniforms(k: np.uint64, members: np.ndarray, n: int) -> np.ndarray:
    """``n`` uniforms in (0, 1) per member, shape ``(len(members), n)``."""
    top = (bits(k, members, n) >> np.uint64(11)).astype(float)
    return (top + 0.5) * 2.0**-53


def box_muller(u: np.ndarray) -> np.ndarray:
    """Standard normals from an even number of uniforms per row (same shape)."""
    m = u.shape[-1] // 2
    radius, angle = np.sqrt(-2.0 * np.log(u[..., :m])), 2.0 * np.pi * u[..., m:]
    return np.concatenate([radius * np.cos(angle), radius * np.sin(angle)], axis=-1)


def normals(k: np.uint64, members: np.ndarray, n: int) -> np.ndarray:
    """``n`` standard normals per member (Box-Muller), shape ``(len(members), n)``."""
    return box_muller(uniforms(k, members, 2 * ((n + 1) // 2)))[:, :n]


def _lognormal(z: np.ndarray, cv: float) -> np.ndarray:
    """Log-normal with mean 1 and coefficient of variation ``cv`` from standard normals."""
    sigma = np.sqrt(np.log1p(cv * cv))
    return np.exp(-0.5 * sigma * sigma + sigma * z)


def _category(u: np.ndarray, weights: list[float]) -> np.ndarray:
    """Index of the category each uniform falls in, for probabilities ``weights``."""
    p = np.asarray(weights, dtype=float)
    edges = np.cumsum(p / p.sum())[:-1]
    return np.searchsorted(edges, u, side="right")


def sample_members(
    pop: Population, members: np.ndarray, seed: int, key: int
) -> dict[str, np.ndarray]:
    """The characteristics of ``members`` (indices) as columns of :class:`~sim.running.cohort.People`.

    The distributions are those of :func:`sim.running.cohort.sample_people` (see the
    :mod:`sim.running.cohort` docstring), drawn from each member's :data:`PEOPLE` stream: six
    normals (Box-Muller from the first six uniforms; age, baseline strength, fitness and IGF-1, strength and fitness responsiveness)
    and six more uniforms (sex, genotype, cognitive status, the two non-responder draws and the
    attendance factor, ``Beta(a, 1)`` by its inverse distribution function ``u ** (1 / a)``).
    """
    draws = uniforms(stream_key(seed, key, PEOPLE), np.asarray(members), 12)
    z, u = box_muller(draws[:, :6]).T, draws[:, 6:].T
    q = pop.met_allele_frequency

    def responsiveness(zi: np.ndarray, ui: np.ndarray, non: float, cv: float) -> np.ndarray:
        r = _lognormal(zi, cv)
        return np.where(ui < non, 0.1 * r, r)

    return {
        "age_years": np.clip(
            pop.age_mean_years + pop.age_sd_years * z[0], pop.age_min_years, pop.age_max_years
        ),
        "female": u[0] < pop.female_fraction,
        "genotype": _category(u[1], [(1 - q) ** 2, 2 * q * (1 - q), q * q]),
        "status": _category(u[2], list(pop.status_weights)),
        "baseline_strength_rel": _lognormal(z[1], pop.strength_cv),
        "baseline_fitness_rel": _lognormal(z[2], pop.fitness_cv),
        "igf1_factor": _lognormal(z[3], pop.igf1_cv),
        "strength_responsiveness": responsiveness(
            z[4], u[3], pop.strength_nonresponder_fraction, pop.strength_responsiveness_cv
        ),
        "fitness_responsiveness": responsiveness(
            z[5], u[4], pop.fitness_nonresponder_fraction, pop.responsiveness_cv
        ),
        "attendance_factor": u[5] ** (1.0 / pop.attendance_concentration),
    }

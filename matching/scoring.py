"""The match engine's scoring: pure functions over plain data. No Django in here.

``score(source, target, stats)`` says how well ``target`` answers ``source`` as a value in
0..1 and, in plain sentences, why. It is the sum of weighted features (weights in
``WEIGHTS``), times a kind factor:

- needs: the controlled vocabulary. An exact shared need counts its rarity (inverse
  document frequency); a need in the same area counts ``same_area_credit`` of the area's
  rarity. Normalised like a cosine, so a listing about many things is not favoured.
- tags: cosine of the two tag sets weighted by inverse document frequency.
- text: TF-IDF cosine of title + summary (titles count twice; a light English stemmer).
- region: same region 1, a UK-wide listing ``national_region``, elsewhere 0.
- price: the offer's price against the request's budget: free or within budget 1, a
  "from" price within budget ``from_price_within_budget``, quote / unknown ``neutral_price``,
  over budget 0.
- kind: requests meet products, services and ideas (an idea counts ``idea_factor``);
  never two offers or two requests, never a listing of the same organisation.

The value of a pair is symmetric (score(a, b).value == score(b, a).value); the reasons are
written for the owner of ``source``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from matching.text import terms, words

REQUEST = "request"
IDEA = "idea"
OFFER_KINDS = frozenset({"idea", "product", "service"})
NATIONAL = "national"
PUBLICLY_VISIBLE = frozenset({"public", "members"})
SHARED = "shared"

FREE = "free"
QUOTE = "quote"
FROM = "from"
PER_USER_PER_YEAR = "per_user_per_year"


# --- Input and output ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedRef:
    id: int
    name: str
    area_id: int
    area_name: str

    @property
    def label(self) -> str:
        return f"{self.area_name} › {self.name}"


@dataclass(frozen=True, slots=True)
class TagRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ListingData:
    """What scoring knows of a listing."""

    id: int
    kind: str
    organisation_id: int
    title: str
    summary: str = ""
    needs: tuple[NeedRef, ...] = ()
    tags: tuple[TagRef, ...] = ()
    region: str = NATIONAL
    region_name: str = "UK-wide"
    price_model: str = FREE
    price_pence: int | None = None
    budget_pence: int | None = None
    visibility: str = "public"
    shared_with: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Features:
    """Each feature in 0..1 before weighting (``kind`` is a factor)."""

    needs: float = 0.0
    tags: float = 0.0
    text: float = 0.0
    region: float = 0.0
    price: float = 0.0
    kind: float = 0.0


@dataclass(frozen=True, slots=True)
class Weights:
    needs: float = 0.35
    tags: float = 0.20
    text: float = 0.25
    region: float = 0.10
    price: float = 0.10
    # A need in the same area (not the same need) counts this share of the area's rarity.
    same_area_credit: float = 0.5
    # Region fit when one side is UK-wide; the same region scores 1.
    national_region: float = 0.8
    # An idea is further from delivery than a product or service.
    idea_factor: float = 0.9
    from_price_within_budget: float = 0.75
    neutral_price: float = 0.5

    def combine(self, features: Features) -> float:
        total = (
            self.needs * features.needs
            + self.tags * features.tags
            + self.text * features.text
            + self.region * features.region
            + self.price * features.price
        )
        return round(min(1.0, max(0.0, total * features.kind)), 4)


WEIGHTS = Weights()

# Candidate generation: a tag is "rare" (worth finding candidates by) when at most this many
# listings carry it, or this share of the corpus on a large exchange.
RARE_TAG_MIN_DF = 50
RARE_TAG_SHARE = 0.01
# Reasons quote at most this many tags or words.
MAX_NAMED = 4
# Text similarity below this is not worth a sentence.
TEXT_REASON_MIN = 0.12


# --- Corpus statistics -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """Document frequencies over the matchable (published) listings."""

    documents: int = 0
    need_df: Mapping[int, int] = field(default_factory=dict)
    area_df: Mapping[int, int] = field(default_factory=dict)
    tag_df: Mapping[int, int] = field(default_factory=dict)
    term_df: Mapping[str, int] = field(default_factory=dict)

    def idf(self, df: int) -> float:
        """Smoothed inverse document frequency: 1 for a word in every listing, more if rarer."""
        return math.log((1 + self.documents) / (1 + df)) + 1.0

    def need_idf(self, need_id: int) -> float:
        return self.idf(self.need_df.get(need_id, 0))

    def area_idf(self, area_id: int) -> float:
        return self.idf(self.area_df.get(area_id, 0))

    def tag_idf(self, tag_id: int) -> float:
        return self.idf(self.tag_df.get(tag_id, 0))

    def term_idf(self, term: str) -> float:
        return self.idf(self.term_df.get(term, 0))

    def rare_tag_limit(self) -> int:
        return max(RARE_TAG_MIN_DF, int(self.documents * RARE_TAG_SHARE))

    def is_rare_tag(self, tag_id: int) -> bool:
        return self.tag_df.get(tag_id, 0) <= self.rare_tag_limit()

    @classmethod
    def from_listings(cls, listings: Iterable[ListingData]) -> CorpusStats:
        need_df: Counter[int] = Counter()
        area_df: Counter[int] = Counter()
        tag_df: Counter[int] = Counter()
        term_df: Counter[str] = Counter()
        documents = 0
        for listing in listings:
            documents += 1
            need_df.update({n.id for n in listing.needs})
            area_df.update({n.area_id for n in listing.needs})
            tag_df.update({t.id for t in listing.tags})
            term_df.update(set(terms(listing.title)) | set(terms(listing.summary)))
        return cls(documents, dict(need_df), dict(area_df), dict(tag_df), dict(term_df))


# --- Prepared listings -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A listing's features with their rarities looked up once."""

    needs: Mapping[int, NeedRef]
    need_idf: Mapping[int, float]  # in need id order
    area_of: Mapping[int, int]  # need id → area id
    need_weight: float
    tag_sq: Mapping[int, float]  # tag id → idf²
    tag_norm: float
    vector: Mapping[str, float]  # L2-normalised TF-IDF of title + summary
    surface: Mapping[str, str]  # stem → the word as written, for reasons


class Scorer:
    """Scores pairs against one set of corpus statistics, preparing each listing once.

    ``value`` is the fast path used to rank candidates (no sentences); ``score`` adds the
    reasons, for the few matches kept. Both give the same number.
    """

    def __init__(self, stats: CorpusStats, weights: Weights = WEIGHTS) -> None:
        self.stats = stats
        self.weights = weights
        # id → (the data prepared, its preparation): a different object with the same id (the
        # listing changed) is prepared again.
        self._prepared: dict[int, tuple[ListingData, _Prepared]] = {}
        self._area_idf: dict[int, float] = {}

    def prepare(self, listing: ListingData) -> _Prepared:
        cached = self._prepared.get(listing.id)
        if cached is not None and cached[0] is listing:
            return cached[1]
        prepared = self._prepare(listing)
        self._prepared[listing.id] = (listing, prepared)
        return prepared

    def _prepare(self, listing: ListingData) -> _Prepared:
        stats = self.stats
        needs = {n.id: n for n in listing.needs}
        need_idf = {n: stats.need_idf(n) for n in sorted(needs)}
        tag_sq = {t.id: stats.tag_idf(t.id) ** 2 for t in listing.tags}
        counts: Counter[str] = Counter()
        surface: dict[str, str] = {}
        for weight, text in ((2, listing.title), (1, listing.summary)):
            for term, word in words(text):
                counts[term] += weight
                surface.setdefault(term, word)
        vector = {term: (1 + math.log(n)) * stats.term_idf(term) for term, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        if norm:
            vector = {term: v / norm for term, v in vector.items()}
        return _Prepared(
            needs=needs,
            need_idf=need_idf,
            area_of={n.id: n.area_id for n in listing.needs},
            need_weight=sum(need_idf.values()),
            tag_sq=tag_sq,
            tag_norm=math.sqrt(sum(tag_sq.values())),
            vector=vector,
            surface=surface,
        )

    # Features -------------------------------------------------------------------------------

    def _needs(self, s: _Prepared, t: _Prepared) -> float:
        if not s.need_weight or not t.need_weight:
            return 0.0
        s_idf, t_idf = s.need_idf, t.need_idf
        matched = 0.0
        exact = 0
        for need, idf in s_idf.items():  # in id order, so a+b and b+a sum alike
            if need in t_idf:
                matched += idf
                exact += 1
        # A same-area credit needs a need on each side that the other lacks.
        if exact < len(s_idf) and exact < len(t_idf):
            areas = {s.area_of[n] for n in s_idf if n not in t_idf} & {
                t.area_of[n] for n in t_idf if n not in s_idf
            }
            if areas:
                credit = self.weights.same_area_credit
                matched += credit * sum(self._area_rarity(a) for a in sorted(areas))
        return min(1.0, matched / math.sqrt(s.need_weight * t.need_weight))

    def _area_rarity(self, area_id: int) -> float:
        idf = self._area_idf.get(area_id)
        if idf is None:
            idf = self._area_idf[area_id] = self.stats.area_idf(area_id)
        return idf

    @staticmethod
    def _tags(s: _Prepared, t: _Prepared) -> float:
        shared = s.tag_sq.keys() & t.tag_sq.keys()
        if not shared:
            return 0.0
        return min(1.0, sum(s.tag_sq[k] for k in sorted(shared)) / (s.tag_norm * t.tag_norm))

    @staticmethod
    def _text(s: _Prepared, t: _Prepared) -> float:
        small, large = (
            (s.vector, t.vector) if len(s.vector) <= len(t.vector) else (t.vector, s.vector)
        )
        return min(1.0, sum(v * large[k] for k, v in small.items() if k in large))

    def _region(self, source: ListingData, target: ListingData) -> float:
        if source.region == target.region and source.region != NATIONAL:
            return 1.0
        if NATIONAL in (source.region, target.region):
            return self.weights.national_region
        return 0.0

    def features(self, source: ListingData, target: ListingData) -> Features:
        """Each feature of the pair in 0..1 (all 0 when the pair may not match)."""
        if not compatible(source, target):
            return Features()
        s, t = self.prepare(source), self.prepare(target)
        request, offer = _request_and_offer(source, target)
        return Features(
            needs=self._needs(s, t),
            tags=self._tags(s, t),
            text=self._text(s, t),
            region=self._region(source, target),
            price=price_value(request, offer, self.weights),
            kind=kind_factor(source, target, self.weights),
        )

    def value(self, source: ListingData, target: ListingData) -> float:
        """The score alone, for a pair ``can_match`` allows: 0 unless they share a need (or a
        need area), a tag or a word. No sentences, no checks."""
        return self._value(source, self.prepare(source), target, self.prepare(target))

    def values(
        self, source: ListingData, targets: Iterable[ListingData]
    ) -> list[tuple[float, int]]:
        """(value, target id) for many targets of one source: the ranking fast path."""
        s = self.prepare(source)
        prepare, value = self.prepare, self._value
        return [(value(source, s, target, prepare(target)), target.id) for target in targets]

    def _value(self, source: ListingData, s: _Prepared, target: ListingData, t: _Prepared) -> float:
        needs = self._needs(s, t)
        tags = self._tags(s, t)
        text = self._text(s, t)
        if not (needs or tags or text):
            return 0.0
        w = self.weights
        request, offer = (source, target) if source.kind == REQUEST else (target, source)
        kind = w.idea_factor if IDEA in (source.kind, target.kind) else 1.0
        # The same sum, in the same order, as Weights.combine.
        total = (
            w.needs * needs
            + w.tags * tags
            + w.text * text
            + w.region * self._region(source, target)
            + w.price * price_value(request, offer, w)
        )
        return round(min(1.0, max(0.0, total * kind)), 4)

    # Score with reasons ---------------------------------------------------------------------

    def score(self, source: ListingData, target: ListingData) -> Score:
        if not compatible(source, target):
            return Score(0.0, [])
        value = self.value(source, target)
        if not value:
            return Score(0.0, [])
        return Score(value, self.reasons(source, target))

    def reasons(self, source: ListingData, target: ListingData) -> list[str]:
        """Sentences for the owner of ``source``, one per contributing feature."""
        s, t = self.prepare(source), self.prepare(target)
        stats = self.stats
        exact = sorted(
            (s.needs[n] for n in s.needs.keys() & t.needs.keys()),
            key=lambda n: (-stats.need_idf(n.id), n.label),
        )
        areas = sorted(_rest_areas(s, t) & _rest_areas(t, s))
        area_names = {n.area_id: n.area_name for n in s.needs.values()}
        tags = sorted(
            (tag for tag in source.tags if tag.id in t.tag_sq),
            key=lambda tag: (-s.tag_sq[tag.id], tag.name),
        )
        reasons: list[str] = []
        if exact:
            reasons.append(f"Both about {_join([n.label for n in exact])}")
        if areas:
            reasons.append(f"Related needs in {_join([area_names[a] for a in areas])}")
        if tags:
            reasons.append(f"Shared tags: {', '.join(tag.name for tag in tags[:MAX_NAMED])}")
        if self._text(s, t) >= TEXT_REASON_MIN:
            shared = [(v * t.vector[k], k) for k, v in s.vector.items() if k in t.vector]
            shared.sort(key=lambda item: (-item[0], item[1]))
            named = ", ".join(s.surface[k] for _, k in shared[:MAX_NAMED])
            reasons.append(f"Similar wording: {named}")
        request, offer = _request_and_offer(source, target)
        price_reason = price_fit(request, offer, self.weights, yours=source is request)[1]
        if price_reason:
            reasons.append(price_reason)
        region_reason = _region_reason(source, target)
        if region_reason:
            reasons.append(region_reason)
        if target.kind == IDEA:
            reasons.append("An idea, not yet a ready product or service")
        return reasons


def _rest_areas(a: _Prepared, b: _Prepared) -> set[int]:
    """Areas of ``a``'s needs that ``b`` does not share exactly."""
    return {n.area_id for i, n in a.needs.items() if i not in b.need_idf}


def score(
    source: ListingData,
    target: ListingData,
    stats: CorpusStats,
    weights: Weights = WEIGHTS,
) -> Score:
    """How well ``target`` answers ``source`` (0..1) and why, in sentences for source's owner."""
    return Scorer(stats, weights).score(source, target)


# --- Rules -----------------------------------------------------------------------------------


def compatible_kinds(kind: str) -> frozenset[str]:
    """The kinds a listing of ``kind`` is matched with."""
    return OFFER_KINDS if kind == REQUEST else frozenset({REQUEST})


def compatible(source: ListingData, target: ListingData) -> bool:
    """Request ↔ offer, never the same listing, never the same organisation."""
    return (
        source.id != target.id
        and source.organisation_id != target.organisation_id
        and target.kind in compatible_kinds(source.kind)
    )


def visible_to_organisation(listing: ListingData, organisation_id: int) -> bool:
    """Whether members of ``organisation_id`` may see the (published) ``listing``."""
    return (
        listing.organisation_id == organisation_id
        or listing.visibility in PUBLICLY_VISIBLE
        or (listing.visibility == SHARED and organisation_id in listing.shared_with)
    )


def can_match(source: ListingData, target: ListingData) -> bool:
    """``target`` may be stored as a match of ``source``: compatible and visible to its owner."""
    return compatible(source, target) and visible_to_organisation(target, source.organisation_id)


def kind_factor(source: ListingData, target: ListingData, weights: Weights = WEIGHTS) -> float:
    if not compatible(source, target):
        return 0.0
    return weights.idea_factor if IDEA in (source.kind, target.kind) else 1.0


def _request_and_offer(a: ListingData, b: ListingData) -> tuple[ListingData, ListingData]:
    return (a, b) if a.kind == REQUEST else (b, a)


def price_fit(
    request: ListingData, offer: ListingData, weights: Weights = WEIGHTS, *, yours: bool = True
) -> tuple[float, str]:
    """The offer's price against the request's budget, and a sentence for the source's owner.

    ``yours`` is true when the reader owns the request ("your budget"), false when they own
    the offer ("their budget").
    """
    fit = price_value(request, offer, weights)
    budget = request.budget_pence
    model, price = offer.price_model, offer.price_pence
    whose = "your" if yours else "their"
    if model == FREE:
        return fit, f"Free, within {whose} budget" if budget is not None else "Free"
    if model == QUOTE or price is None:
        return fit, "Price on quotation"
    amount = pounds(price)
    if model == PER_USER_PER_YEAR:
        return fit, f"{amount} per user per year"
    label = f"From {amount}" if model == FROM else amount
    if budget is None:
        return fit, ""
    within = "within" if price <= budget else "over"
    return fit, f"{label}, {within} {whose} budget of {pounds(budget)}"


def price_value(request: ListingData, offer: ListingData, weights: Weights = WEIGHTS) -> float:
    """Free or within budget 1; a "from" price within budget less; quote, per-user prices and
    unknown budgets neutral; over budget 0."""
    budget = request.budget_pence
    model, price = offer.price_model, offer.price_pence
    if model == FREE:
        return 1.0
    if model in (QUOTE, PER_USER_PER_YEAR) or price is None or budget is None:
        return weights.neutral_price
    if price <= budget:
        return weights.from_price_within_budget if model == FROM else 1.0
    return 0.0


def _region_reason(source: ListingData, target: ListingData) -> str:
    if source.region == target.region:
        return "Both UK-wide" if source.region == NATIONAL else f"Both in {source.region_name}"
    if target.region == NATIONAL:
        return "UK-wide, so it covers your region"
    if source.region == NATIONAL:
        return f"Based in {target.region_name}"
    return ""


def pounds(pence: int) -> str:
    """2500000 → "£25,000"; 1250 → "£12.50"."""
    whole, part = divmod(int(pence), 100)
    return f"£{whole:,}" if part == 0 else f"£{whole:,}.{part:02d}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"

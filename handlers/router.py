"""Free-text routing: which intent an Italian message expresses, and which service it names.

Two layers. The intent is the statistical model's (`handlers/intent_model.py`: letter
n-grams, words and word pairs weighed by a logistic regression trained on the phrases of
`locales/it/intents.yaml` and about 3,000 labelled messages), because it reaches phrasing
nobody listed. Below 30% probability the message is not understood. The phrases keep the
jobs a model does badly:

- negation: for intents that act (renew, cancel, change plan, recover, operator), a
  phrase whose words all follow a negation is refused, and the model may not answer with
  a refused intent ("non voglio parlare con un operatore" opens nothing; the other
  intents share its probability). "nn", "nun", "mica" read as "non"; the negated wish
  takes its object with it ("non voglio cambiare piano"). The phrases are read only when
  the message has a negation;
- the service: by name (typos tolerated), by a category word when the customer has one
  of that kind, by a plan name only one service has or may take (`pick_service`).

`rule_route` is the phrases' own reading (all intents): a message is folded (case,
accents, punctuation), split into words, filler words dropped, and a phrase matches when
all its words appear in the message, exactly, as a stem (`rinnov*`) or with a typo
(rapidfuzz ratio >= 85, the first letter kept, not a change of final vowel: "scollega" is
not "collega").

The router only reads: every intent that would act answers with a question and buttons
(the operator request asks «Apro una richiesta al supporto?» before a ticket exists).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from handlers import intent_model

INTENTS = ("products", "renew", "cancel", "recover", "change_plan", "orders", "ticket",
           "operator", "help", "greeting", "unlink")
UNKNOWN = "unknown"
THRESHOLD = 0.85  # a whole phrase matched, allowing typos
MIN_PROBABILITY = 0.3  # below it the model's best guess is no reading
TYPO_CUTOFF = 85
NEGATION_WINDOW = 3
# Ties go to the more specific, more consequential reading.
PRIORITY = {name: i for i, name in enumerate(
    ("unlink", "operator", "cancel", "recover", "renew", "change_plan", "orders", "ticket",
     "products", "help", "greeting"))}
COVERAGE_INTENTS = ("help", "greeting")  # in the order a bare one is read


def fold(text: str, keep: str = "") -> str:
    """Lower case, no accents, apostrophes and punctuation to spaces (dots kept in names)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(rf"[^\w@.\-{re.escape(keep)}]+", " ", plain)).strip()


def words(text: str, keep: str = "") -> list[str]:
    """Folded words without edge punctuation: `mariorossi.it?` -> `mariorossi.it`."""
    return split_folded(fold(text, keep))


def split_folded(folded: str) -> list[str]:
    """The words of an already folded text (`words` without folding it again)."""
    return [w.strip(".-") for w in folded.split() if w.strip(".-")]


# Where a clause ends: punctuation, a sentence-ending dot, or a conjunction between two
# clauses ("mio figlio non c'è e io devo rinnovare"). "è" keeps its accent here, so "non è
# scaduto" stays one clause.
CLAUSE_BREAK = re.compile(
    r"[,;:!?]+|\.(?:\s|$)|\s(?=(?:e|ed|ma|però|pero|perché|perche|quindi|anzi|invece|mentre|"
    r"oppure)\s)", re.IGNORECASE)  # the conjunction opens the next clause
# Object pronouns: after "non lo voglio" the object is said, the next word is not it.
OBJECT_PRONOUNS = frozenset({"lo", "la", "li", "le", "l", "ne"})
# After a negation, these say what is or happened ("non si è riaccesa", "non c'è").
STATEMENTS = frozenset({"si", "c"})
# Words that start a new wish: a negation before them does not reach past them.
WISHES = frozenset({"voglio", "vorrei", "volevo", "vogliamo", "vorremmo", "preferisco",
                    "preferirei", "chiedo", "devo", "dobbiamo"})


def clauses(text: str) -> list[int]:
    """For each word of `words(text)`, the number of its clause, so that a negation does
    not reach into the next clause."""
    result: list[int] = []
    for number, part in enumerate(CLAUSE_BREAK.split(text)):
        result.extend([number] * len(words(part)))
    return result


@dataclass(frozen=True)
class Phrase:
    intent: str
    tokens: tuple[str, ...]  # a token ending in * is a stem
    has_negation: bool


@dataclass(frozen=True)
class Lexicon:
    phrases: tuple[Phrase, ...]
    vocabulary: tuple[str, ...]  # exact words of all phrases (stems without the *)
    stems: tuple[str, ...]
    stopwords: frozenset[str]
    negations: frozenset[str]
    carriers: frozenset[str]
    negatable: frozenset[str]
    emoji: dict[str, str]
    translations: dict[str, str]  # English word -> the Italian word read instead
    service_words: dict[str, tuple[tuple[str, ...], ...]]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = yaml.safe_load(files("locales").joinpath("it/intents.yaml").read_text("utf-8"))
    stop = frozenset(fold(w) for w in raw["stopwords"])
    negations = frozenset(fold(w) for w in raw["negations"])
    phrases = []
    for intent, items in raw["intents"].items():
        if intent not in INTENTS:
            raise ValueError(f"unknown intent {intent!r} in intents.yaml")
        for item in items:
            spelled = words(str(item), keep="*")
            tokens = [w for w in spelled if w not in stop] or spelled
            phrases.append(Phrase(intent, tuple(tokens), any(t in negations for t in tokens)))
    vocabulary = sorted({t for p in phrases for t in p.tokens if not t.endswith("*")})
    stems = sorted({t[:-1] for p in phrases for t in p.tokens if t.endswith("*")})
    service_words = {
        category: tuple(tuple(words(alias)) for alias in aliases)
        for category, aliases in raw["service_words"].items()
    }
    return Lexicon(tuple(phrases), tuple(vocabulary), tuple(stems), stop, negations,
                   frozenset(fold(w) for w in raw["negation_carriers"]),
                   frozenset(raw["negatable"]), dict(raw["emoji"]),
                   {fold(k): fold(v) for k, v in raw["translations"].items()}, service_words)


@dataclass(frozen=True)
class ServiceRef:
    """What the router needs of a customer's service."""

    id: int
    name: str
    category: str
    plans: tuple[str, ...] = ()  # its plan's name and the names of plans it may change to


@dataclass(frozen=True)
class Routed:
    intent: str
    score: float
    runner_up: str
    runner_up_score: float
    service_id: int | None = None
    service_name: str | None = None
    category: str | None = None  # named by category only ("l'hosting"), if no single service
    negated: tuple[str, ...] = ()
    # "togliete il rinnovo automatico": the wish may be the renewal mode rather than
    # renewing or cancelling; the chat shows the service's card, which offers both.
    renewal_mode: bool = False

    @property
    def confident(self) -> bool:
        return self.intent != UNKNOWN


def route(text: str, services: Iterable[ServiceRef] = (),
          model: intent_model.Model | None = None) -> Routed:
    """The intent of `text` and the service of `services` it names, if any: the model's
    (`model`, else the trained one) most probable intent among those the phrases do not
    see negated. The phrases are read only when there is a negation to place."""
    words_read = prepared(text)
    if "non" in words_read.split():
        # Only the phrases of intents a negation can refuse decide what is refused.
        rules = rule_route(text, services, lexicon().negatable)
        negated, service, category = rules.negated, rules.service_id, rules.category
        named = rules.service_name
    else:
        negated = ()
        found, category = pick_service(text, list(services))
        service, named = (found.id, found.name) if found else (None, None)
    probabilities = (model or intent_model.model()).probabilities(words_read)
    # A negated intent is ruled out: the others share its probability.
    allowed = {i: p for i, p in probabilities.items() if i not in negated}
    total = sum(allowed.values())
    ranked = sorted(((p / total, intent) for intent, p in allowed.items()), reverse=True)
    (best_p, best), (runner_p, runner) = ranked[0], ranked[1]
    if best_p < MIN_PROBABILITY:  # "qwertyuiop": better "not understood" than a guess
        (best_p, best), (runner_p, runner) = (best_p, UNKNOWN), (best_p, best)
    if (service or category) and not negated and _only_names(words_read, named):
        # "la pec?", "e rossipizzeria.it?": the service, nothing asked of it. A message
        # that says more and is not understood stays so ("il server del bar mi ha
        # portato il conto", "mi consigli una pizzeria").
        best = "products"
    return Routed(intent=best, score=round(best_p * 100, 1), runner_up=runner,
                  runner_up_score=round(runner_p * 100, 1), service_id=service,
                  service_name=named, category=category, negated=negated,
                  renewal_mode=any(w.startswith(("automatic", "autorinnov"))
                                   for w in words_read.split()))


def _only_names(words_read: str, named: str | None) -> bool:
    """Whether the message only names a service: kind words ("la pec") or its name."""
    generic = _kinds().generic
    name = _folded_name(named) if named else ""
    rest = [w for w in words_read.split() if w not in generic
            and not (name and ((len(w) >= 3 and w in name) or fuzz.ratio(w, name) >= 85))]
    return not rest


def _expand(text: str) -> str:
    """Emoji that say something as their word, a lone "+" as "piu"."""
    for symbol, meaning in lexicon().emoji.items():
        text = text.replace(symbol, f" {meaning} ")
    return re.sub(r"(?<!\S)\+(?!\S)", " piu ", text)  # "nn voglio + il server"


def _tokens(text: str) -> list[str]:
    """Folded words, "nn", "mica", "senza" as one negation ("non rinnov*" matches "nn
    rinnovare"), English words as their Italian ("renew" as "rinnovare")."""
    return _as_read(words(text))


def _as_read(folded_words: list[str]) -> list[str]:
    """Each negation as "non", each English word as its Italian."""
    lex = lexicon()
    return ["non" if w in lex.negations else lex.translations.get(w, w) for w in folded_words]


def prepared(text: str) -> str:
    """The message as the model reads it (the trainer reads its examples the same way)."""
    return " ".join(_tokens(_expand(text)))


def rule_route(text: str, services: Iterable[ServiceRef] = (),
               intents: frozenset[str] | None = None) -> Routed:
    """The reading of the phrases alone (of `intents` only, if given): which intents a
    negation refuses, the service named; `route` asks the model for the intent."""
    lex = lexicon()
    text = _expand(text)
    tokens = _tokens(text)
    clause = clauses(text)
    if len(clause) != len(tokens):  # a name with a dot split differently: one clause
        clause = [0] * len(tokens)
    content = [i for i, w in enumerate(tokens) if w not in lex.stopwords]
    scopes = _negation_scopes(tokens, content, clause, lex)
    negated = {p for scope in scopes.values() for p in scope}
    for at, scope in scopes.items():
        # The wish negated takes its object with it: "non voglio cambiare piano"; not when
        # a pronoun has said it ("non lo voglio più, chiudete l'hosting").
        if at + 1 < len(tokens) and tokens[at + 1] in OBJECT_PRONOUNS:
            continue
        if scope and tokens[scope[-1]] not in lex.carriers:
            after = [j for j in content if j > scope[-1] and clause[j] == clause[scope[-1]]]
            if (after and tokens[after[0]] not in lex.negations
                    and not _restarts(tokens, scope[-1], after[0])):
                negated.add(after[0])
    matches = _token_matches(tokens, content, intents)
    countable = [i for i in content if tokens[i] not in lex.negations]
    scores: dict[str, float] = {}
    covered: dict[str, set[int]] = {}
    evidence: dict[str, set[frozenset[int]]] = {}
    refused: set[str] = set()
    for phrase in lex.phrases:
        if intents is not None and phrase.intent not in intents:
            continue
        found = _match_phrase(phrase, matches, scopes)
        if found is None:
            continue
        positions, similarity = found
        if (phrase.intent in lex.negatable and not phrase.has_negation
                and min(positions) in negated):
            refused.add(phrase.intent)
            continue
        spots = covered.setdefault(phrase.intent, set())
        evidence.setdefault(phrase.intent, set()).add(frozenset(positions))
        spots.update(p for token in phrase.tokens for p, _ in matches.get(token, ()))
        score = similarity * (1 + 0.15 * (len(phrase.tokens) - 1))
        if score > scores.get(phrase.intent, 0.0):
            scores[phrase.intent] = score
    for intent, found_sets in evidence.items():
        # Several separate pieces of evidence for one intent add up a little.
        separate = len({p for group in found_sets for p in group}) - max(map(len, found_sets))
        scores[intent] += 0.1 * min(separate, 3)
    bare = {intent: scores[intent] for intent in COVERAGE_INTENTS if intent in scores}
    for intent in COVERAGE_INTENTS:
        # A greeting or a call for help counts for the share of the message it explains.
        if intent in scores and countable:
            scores[intent] *= len(covered[intent] & set(countable)) / len(countable)
    if bare and max(scores.values()) < THRESHOLD:
        # Nothing else understood ("buonasera, ho una domanda", "ciao bot"): the greeting
        # or the call for help is the message.
        for intent in COVERAGE_INTENTS:
            if intent in bare:
                scores[intent] = max(scores[intent], min(bare[intent], 1.0) * THRESHOLD)
                break
    ranked = sorted(scores.items(), key=lambda kv: (-round(kv[1], 6), PRIORITY[kv[0]]))
    best, best_score = ranked[0] if ranked else (UNKNOWN, 0.0)
    runner, runner_score = ranked[1] if len(ranked) > 1 else (UNKNOWN, 0.0)
    if best_score < THRESHOLD:
        runner, runner_score = best, best_score
        best, best_score = UNKNOWN, best_score
    service, category = pick_service(text, list(services))
    if best == UNKNOWN and (service or category) and not refused:
        # Only a service named ("e rossipizzeria.it?"): show it.
        best, best_score = "products", THRESHOLD
    return Routed(
        intent=best, score=round(min(best_score, 1.0) * 100, 1), runner_up=runner,
        runner_up_score=round(min(runner_score, 1.0) * 100, 1),
        service_id=service.id if service else None,
        service_name=service.name if service else None, category=category,
        negated=tuple(sorted(refused - set(scores))),
    )


def _negation_scopes(
    tokens: list[str], content: list[int], clause: list[int], lex: Lexicon
) -> dict[int, list[int]]:
    """For each negation, the content words it governs, within its clause: carriers, then
    the next word. "non voglio rinnovare" -> rinnovare; "non mi serve cambiare" -> serve,
    cambiare; "non riesco a disdire" -> riesco only (the wish to cancel stands).
    """
    scopes: dict[int, list[int]] = {}
    for n, i in enumerate(content):
        if tokens[i] not in lex.negations:
            continue
        scope: list[int] = []
        if i + 1 < len(tokens) and tokens[i + 1] in STATEMENTS:
            # "la pec non si è riaccesa", "nel menu non c'è Disdici": what is, not a wish
            scopes[i] = scope
            continue
        said = i + 1 < len(tokens) and tokens[i + 1] in OBJECT_PRONOUNS
        previous = i
        for j in content[n + 1:]:
            if (tokens[j] in lex.negations or clause[j] != clause[i]
                    or (scope and _restarts(tokens, previous, j))
                    or (said and scope and tokens[j] not in lex.carriers)):
                break  # "non lo voglio più, chiudete": the object was the pronoun
            scope.append(j)
            previous = j
            if tokens[j] not in lex.carriers or tokens[j] == "riesco":
                break
        scopes[i] = scope
    return scopes


def _restarts(tokens: list[str], after: int, before: int) -> bool:
    """A new wish between two words: "non voglio il bot, voglio una persona"."""
    return any(tokens[k] in WISHES for k in range(after + 1, before))


def _token_matches(tokens: list[str], content: list[int], intents: frozenset[str] | None
                   ) -> dict[str, list[tuple[int, float]]]:
    """For each phrase word (or stem*) of the phrases of `intents` (all if None), the
    message positions it matches and how well."""
    found: dict[str, list[tuple[int, float]]] = {}
    for i in content:
        for token, similarity in _word_matches(tokens[i], intents):
            found.setdefault(token, []).append((i, similarity))
    return found


@lru_cache(maxsize=16)
def _vocabulary(intents: frozenset[str] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(words, stems) of the phrases of `intents`, all if None."""
    lex = lexicon()
    if intents is None:
        return lex.vocabulary, lex.stems
    tokens = {t for p in lex.phrases if p.intent in intents for t in p.tokens}
    return (tuple(sorted(t for t in tokens if not t.endswith("*"))),
            tuple(sorted(t[:-1] for t in tokens if t.endswith("*"))))


@lru_cache(maxsize=8192)
def _word_matches(word: str, intents: frozenset[str] | None = None
                  ) -> tuple[tuple[str, float], ...]:
    """The phrase words and stems* (of the phrases of `intents`) one message word matches,
    and how well. Customers' words repeat, so this is kept: it is most of a message's
    cost."""
    vocabulary, stems = _vocabulary(intents)
    found: list[tuple[str, float]] = []
    if len(word) >= 5:
        hits = process.extract(word, vocabulary, scorer=fuzz.ratio,
                               score_cutoff=TYPO_CUTOFF, limit=None)
        found.extend((candidate, similarity / 100) for candidate, similarity, _ in hits
                     if _is_typo(word, candidate))
    else:
        found.append((word, 1.0))
    for stem in stems:
        similarity = _stem_similarity(word, stem)
        if similarity:
            found.append((f"{stem}*", similarity))
    return tuple(found)


def _is_typo(word: str, candidate: str) -> bool:
    """A near spelling is a typo, not another word: the first letter stays ("scollega" is
    not "collega") and a different ending vowel is Italian inflection ("collego", I link,
    is not "collega", a colleague)."""
    if word == candidate:
        return True
    if word[0] != candidate[0]:
        return False
    return not (word[:-1] == candidate[:-1] and word[-1] in "aeiou" and candidate[-1] in "aeiou")


def _stem_similarity(word: str, stem: str) -> float:
    """1.0 if `word` starts with `stem`; for stems of five letters or more, a typo in the
    stem part is tolerated ("rinovare" ~ rinnov*, "disdre" ~ disdi*)."""
    if word.startswith(stem):
        return 1.0
    if len(stem) < 5 or len(word) < len(stem) or word[0] != stem[0]:
        return 0.0  # typos are tolerated after the first letter: keeps this cheap
    best = max(fuzz.ratio(stem, word[:n]) for n in range(len(stem) - 1, len(stem) + 2))
    return best / 100 if best >= 80 else 0.0


def _match_phrase(
    phrase: Phrase, matches: dict[str, list[tuple[int, float]]],
    scopes: dict[int, list[int]],
) -> tuple[list[int], float] | None:
    positions: list[int] = []
    total = 0.0
    for token in phrase.tokens:
        options = [(p, s) for p, s in matches.get(token, ()) if p not in positions]
        if not options:
            return None
        position, similarity = max(options, key=lambda o: o[1])
        positions.append(position)
        total += similarity
    if len(positions) > 1 and max(positions) - min(positions) > 2 * len(positions):
        return None  # the words are there, but too far apart to be this phrase
    if phrase.has_negation:
        # "non X": X must be the word the negation governs ("non ho capito come funziona"
        # is not "non funziona").
        for k, token in enumerate(phrase.tokens[:-1]):
            if token in scopes or positions[k] in scopes:
                governed = scopes.get(positions[k], [])
                if positions[k + 1] not in governed:
                    return None
    return positions, total / len(phrase.tokens)


def pick_service(text: str, services: list[ServiceRef]) -> tuple[ServiceRef | None, str | None]:
    """The service the message names: by name (typos tolerated, or a distinctive part of
    it: "la pizzeria" for rossipizzeria.it), else by a category word when the customer has
    one service of that category, else by a plan name only one service has or can take."""
    if not services:
        return None, None
    folded = fold(text)
    tokens = split_folded(folded)
    # "verdi shop" names verdi-shop.com: two words typed apart count as one too.
    candidates = tokens + [a + b for a, b in itertools.pairwise(tokens)]
    names = [_folded_name(service.name) for service in services]
    bares = [(n.split(".")[0] if "." in n and "@" not in n else n).replace("-", "") for n in names]
    best: tuple[float, int, ServiceRef] | None = None
    if candidates:
        # One C call per kind of comparison (every word against every name).
        by_name = process.cdist(candidates, names, scorer=fuzz.ratio)
        by_bare = process.cdist(candidates, bares, scorer=fuzz.ratio)
        for k, service in enumerate(services):
            similarity = float(by_name[:, k].max())
            if len(bares[k]) >= 6:
                similarity = max(similarity, float(by_bare[:, k].max()))
                if any(len(c) >= 6 and c in bares[k] for c in candidates):
                    similarity = max(similarity, 90.0)
            if similarity >= 85 and (best is None or (similarity, len(names[k])) > best[:2]):
                best = (similarity, len(names[k]), service)
    lex = lexicon()
    # As read: "site" is "sito"; a misspelt kind word ("sever") as the kind word.
    said = _as_read(tokens)
    joined = f" {' '.join(_kind_word(w) for w in said)} "
    if best is not None:
        # "l'hosting di luigiverdi", "la pec luigi.verdi": the kind named picks, among the
        # services carrying that name, the one of that kind.
        stem = _folded_name(best[2].name).split(".")[0].replace("-", "").removeprefix("www")
        for category, aliases in lex.service_words.items():
            of_kind = [s for s in services if s.category == category
                       and stem in re.sub(r"[^a-z0-9]", "", _folded_name(s.name))]
            if (category != best[2].category and len(of_kind) == 1
                    and any(f" {' '.join(alias)} " in joined for alias in aliases)):
                return of_kind[0], category
        return best[2], best[2].category
    for category, aliases in lex.service_words.items():
        if any(f" {' '.join(alias)} " in joined for alias in aliases):
            of_kind = [s for s in services if s.category == category]
            if len(of_kind) == 1:
                return of_kind[0], category
            by_part = [s for s in of_kind if set(said) & _name_words(s.name)]
            if len(by_part) == 1:  # "il dominio del negozio"
                return by_part[0], category
            return _by_ending(folded, of_kind), category
    # "il .com è scaduto": a name's ending only one service has (a domain first).
    by_ending = _by_ending(folded, services)
    if by_ending is None:
        by_ending = _by_ending(folded, [s for s in services if s.category == "dominio"])
    if by_ending is not None:
        return by_ending, by_ending.category
    distinctive = {w for w in said if len(w) >= 4 and w not in _kinds().generic}
    # A part of the name said in Italian: "il dominio del negozio" for verdi-shop.com.
    holders = [s for s in services if distinctive & _name_words(s.name)]
    if len(holders) == 1:
        return holders[0], holders[0].category
    # A plan's own word ("passo da start a pro"): the one service on that plan, else the
    # one service that has or may take it.
    for plans_of in (lambda s: s.plans[:1], lambda s: s.plans):
        holders = [s for s in services
                   if distinctive & {w for plan in plans_of(s) for w in _plan_words(plan)}]
        if len(holders) == 1:
            return holders[0], holders[0].category
    return None, None


@dataclass(frozen=True)
class _KindWords:
    words: frozenset[str]  # every word of a kind's aliases ("pec", "certificata", ...)
    long: tuple[str, ...]  # those of five letters or more, which a typo may stand for
    known: frozenset[str]  # words that are words, not typos of a kind ("serve", "server")
    generic: frozenset[str]  # stopwords and kind words: they name no one service


@lru_cache(maxsize=1)
def _kinds() -> _KindWords:
    lex = lexicon()
    kind = frozenset(w for aliases in lex.service_words.values() for alias in aliases
                     for w in alias)
    return _KindWords(kind, tuple(sorted(w for w in kind if len(w) >= 5)),
                      lex.stopwords | lex.carriers | frozenset(lex.vocabulary),
                      lex.stopwords | kind)


@lru_cache(maxsize=4096)
def _kind_word(word: str) -> str:
    """A misspelt kind word ("sever", "hostign") as the kind word; any other word as is."""
    kinds = _kinds()
    if len(word) >= 5 and word not in kinds.words and word not in kinds.known:
        near = process.extractOne(word, kinds.long, scorer=fuzz.ratio, score_cutoff=80)
        if near is not None and _is_typo(word, near[0]):
            return near[0]
    return word


@lru_cache(maxsize=1024)
def _folded_name(name: str) -> str:
    return fold(name)


@lru_cache(maxsize=1024)
def _plan_words(plan: str) -> tuple[str, ...]:
    return tuple(words(plan))


@lru_cache(maxsize=1024)
def _name_words(name: str) -> frozenset[str]:
    """The parts of a service's name that say something, in Italian: verdi-shop.com ->
    {verdi, negozio}."""
    translations = lexicon().translations
    parts = [p for p in re.split(r"[.\-@_]+", fold(name)) if len(p) >= 4 and p != "www"]
    return frozenset(translations.get(p, p) for p in parts)


def _by_ending(folded: str, services: list[ServiceRef]) -> ServiceRef | None:
    """The one service of `services` whose name ends in a word of the message ("il
    dominio .com", "il dominio punto it"), if exactly one does."""
    endings = {s.id: _folded_name(s.name).rsplit(".", 1)[-1] for s in services
               if "." in s.name}
    hits = [s for s in services if s.id in endings
            and re.search(rf"(?:\.|\bpunto |\bdominio ){re.escape(endings[s.id])}\b", folded)]
    return hits[0] if len(hits) == 1 else None


def describe(routed: Routed) -> dict[str, Any]:
    """A plain dict for `sportello intent` and the tuning tests."""
    return {"intent": routed.intent, "score": routed.score, "runner_up": routed.runner_up,
            "runner_up_score": routed.runner_up_score, "service": routed.service_name,
            "category": routed.category}

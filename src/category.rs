//! The nine categories of the contract (`../shared/contract.md`); their ids are a stable interface.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ChildSexualContact,
    ChildLodging,
    ChildHarmfulWork,
    ChildCsamOffer,
    ChildCsamSolicit,
    ChildSexualization,
    SuicideNotice,
    GroupSuicide,
    SuicideInducement,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::ChildSexualContact,
        Category::ChildLodging,
        Category::ChildHarmfulWork,
        Category::ChildCsamOffer,
        Category::ChildCsamSolicit,
        Category::ChildSexualization,
        Category::SuicideNotice,
        Category::GroupSuicide,
        Category::SuicideInducement,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::ChildSexualContact => "child_sexual_contact",
            Category::ChildLodging => "child_lodging",
            Category::ChildHarmfulWork => "child_harmful_work",
            Category::ChildCsamOffer => "child_csam_offer",
            Category::ChildCsamSolicit => "child_csam_solicit",
            Category::ChildSexualization => "child_sexualization",
            Category::SuicideNotice => "suicide_notice",
            Category::GroupSuicide => "group_suicide",
            Category::SuicideInducement => "suicide_inducement",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The clause of the seeds that defines the category.
    pub fn clause(self) -> &'static str {
        match self {
            Category::ChildSexualContact => "001 §4(1)",
            Category::ChildLodging => "001 §4(2)",
            Category::ChildHarmfulWork => "001 §4(3)",
            Category::ChildCsamOffer => "001 §4(4), 000 §1(1)",
            Category::ChildCsamSolicit => "001 §4(5)",
            Category::ChildSexualization => "001 §4(6)",
            Category::SuicideNotice => "003 §2(1)",
            Category::GroupSuicide => "003 §2(2)",
            Category::SuicideInducement => "003 §5, 004",
        }
    }

    /// Officer-facing label (Japanese UI text).
    pub fn label_ja(self) -> &'static str {
        match self {
            Category::ChildSexualContact => "児童との性的行為・面会の要求",
            Category::ChildLodging => "児童の宿泊先・紹介の要求／提供",
            Category::ChildHarmfulWork => "児童への有害業務の紹介",
            Category::ChildCsamOffer => "児童ポルノの陳列・提供・買取",
            Category::ChildCsamSolicit => "児童ポルノ・盗撮画像の製造等の働きかけ",
            Category::ChildSexualization => "児童を性的対象とする意識の助長",
            Category::SuicideNotice => "自殺予告・ほのめかし",
            Category::GroupSuicide => "集団自殺の呼びかけ・呼応",
            Category::SuicideInducement => "自殺の誘引・勧誘",
        }
    }

    /// The child categories need a child (001 §4: 投稿者又はその対象者が児童).
    pub fn needs_minor(self) -> bool {
        !self.is_suicide()
    }

    pub fn is_suicide(self) -> bool {
        matches!(
            self,
            Category::SuicideNotice | Category::GroupSuicide | Category::SuicideInducement
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_the_contract() {
        let ids: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
        assert_eq!(
            ids,
            [
                "child_sexual_contact",
                "child_lodging",
                "child_harmful_work",
                "child_csam_offer",
                "child_csam_solicit",
                "child_sexualization",
                "suicide_notice",
                "group_suicide",
                "suicide_inducement"
            ]
        );
        for c in Category::ALL {
            assert_eq!(Category::from_id(c.id()), Some(c));
            assert_eq!(
                serde_json::to_value(c).ok(),
                Some(serde_json::json!(c.id()))
            );
        }
    }
}

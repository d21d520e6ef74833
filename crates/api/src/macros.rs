//! `list!`: every admin API listing is one field holding its rows (`{"accounts": […]}`), so
//! each is declared in one line with the derives every body has.

/// `list!(KeyList, keys: KeyView)` declares `pub struct KeyList { pub keys: Vec<KeyView> }`.
macro_rules! list {
    ($(#[$doc:meta])* $name:ident, $field:ident: $row:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub struct $name {
            pub $field: Vec<$row>,
        }
    };
}

pub(crate) use list;

//! Which customer pages a role may use (SPEC §13), in one place: `owner` everything,
//! `developer` Access Keys, Download Access Token and Licences, `billing` Invoices and
//! Licences. The session extractor applies it to every `/account/…` request by its path
//! (so no handler can forget it), and the navigation shows only the pages it allows.

use packyard_store::users::Role;

/// A part of the customer portal that a role may or may not use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// Access keys, the account's and the user's personal ones.
    Keys,
    Token,
    Licences,
    Invoices,
    Users,
}

impl Area {
    /// Every area, in the navigation's order.
    pub const ALL: [Area; 5] = [
        Area::Keys,
        Area::Token,
        Area::Licences,
        Area::Invoices,
        Area::Users,
    ];

    /// The rule: may `role` use this area? (What each role may do is the domain's,
    /// [`Role`]; this maps the pages onto it.)
    pub fn allows(self, role: Role) -> bool {
        match self {
            Area::Keys | Area::Token => role.manages_keys(),
            Area::Licences => true,
            Area::Invoices => role.sees_invoices(),
            Area::Users => role.manages_users(),
        }
    }

    /// The area a customer path belongs to; `None` for pages every user may open (their
    /// password, the account switcher) and for unknown paths.
    pub fn of_path(path: &str) -> Option<Area> {
        let rest = path.strip_prefix("/account/")?;
        let first = rest.split('/').next().unwrap_or_default();
        Area::ALL.into_iter().find(|a| a.segment() == first)
    }

    /// The first path segment under `/account/`.
    pub fn segment(self) -> &'static str {
        match self {
            Area::Keys => "keys",
            Area::Token => "token",
            Area::Licences => "licences",
            Area::Invoices => "invoices",
            Area::Users => "users",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Area::Keys => "Access Keys",
            Area::Token => "Download Access Token",
            Area::Licences => "Licences",
            Area::Invoices => "Invoices",
            Area::Users => "Users",
        }
    }

    /// The page a role starts on: its first allowed area.
    pub fn home(role: Role) -> &'static str {
        match Area::ALL.into_iter().find(|a| a.allows(role)) {
            Some(Area::Keys) | None => "/account/keys",
            Some(Area::Token) => "/account/token",
            Some(Area::Licences) => "/account/licences",
            Some(Area::Invoices) => "/account/invoices",
            Some(Area::Users) => "/account/users",
        }
    }

    /// The sentence a refused page says.
    pub fn refusal(self, role: Role, account: &str) -> String {
        format!(
            "Your role on account {account} is {}, which does not include {}. \
             Ask an owner of the account to change your role if you need it.",
            role.as_str(),
            self.label()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(role: Role) -> Vec<Area> {
        Area::ALL.into_iter().filter(|a| a.allows(role)).collect()
    }

    #[test]
    fn roles_see_the_pages_spec_13_gives_them() {
        assert_eq!(allowed(Role::Owner), Area::ALL);
        assert_eq!(
            allowed(Role::Developer),
            [Area::Keys, Area::Token, Area::Licences]
        );
        assert_eq!(allowed(Role::Billing), [Area::Licences, Area::Invoices]);
        assert_eq!(Area::home(Role::Billing), "/account/licences");
        assert_eq!(Area::home(Role::Developer), "/account/keys");
    }

    #[test]
    fn paths_name_their_area() {
        assert_eq!(Area::of_path("/account/keys"), Some(Area::Keys));
        assert_eq!(Area::of_path("/account/keys/ABC/delete"), Some(Area::Keys));
        assert_eq!(Area::of_path("/account/invoices"), Some(Area::Invoices));
        assert_eq!(Area::of_path("/account/users/remove"), Some(Area::Users));
        assert_eq!(Area::of_path("/account/password"), None);
        assert_eq!(Area::of_path("/account/switch"), None);
        assert_eq!(Area::of_path("/admin/keys"), None);
    }
}

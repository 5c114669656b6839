//! Least privilege in one place: which role may take which action, and how far it reaches (its own records, its
//! unit's, or all). The auth layer consults `allowed` for every request before any handler runs; handlers only
//! ask `Caller::sees` whether one object falls inside the scope granted here.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Volunteer,
    Officer,
    Supervisor,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "volunteer" => Some(Role::Volunteer),
            "officer" => Some(Role::Officer),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

/// Everything a request can do. The route table (`routes::ROUTES`) names one action per route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// No authentication: the OpenAPI document, health, login, the public key and the latest signed bundle.
    Public,
    SessionRead,
    SessionLogout,
    SubmissionCreate,
    SubmissionList,
    SubmissionRead,
    CaseList,
    CaseRead,
    CaseReview,
    WarningCreate,
    Lookup,
    HoldRead,
    HoldManage,
    TakedownRead,
    TakedownCreate,
    TakedownUpdate,
    TakedownExport,
    ProviderRead,
    ProviderWrite,
    ReportRead,
    RetentionManage,
    ProfilePublish,
    UserManage,
    AuditRead,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Public => "public",
            Action::SessionRead => "session.read",
            Action::SessionLogout => "session.logout",
            Action::SubmissionCreate => "submission.create",
            Action::SubmissionList => "submission.list",
            Action::SubmissionRead => "submission.read",
            Action::CaseList => "case.list",
            Action::CaseRead => "case.read",
            Action::CaseReview => "case.review",
            Action::WarningCreate => "warning.create",
            Action::Lookup => "lookup",
            Action::HoldRead => "hold.read",
            Action::HoldManage => "hold.manage",
            Action::TakedownRead => "takedown.read",
            Action::TakedownCreate => "takedown.create",
            Action::TakedownUpdate => "takedown.update",
            Action::TakedownExport => "takedown.export",
            Action::ProviderRead => "provider.read",
            Action::ProviderWrite => "provider.write",
            Action::ReportRead => "report.read",
            Action::RetentionManage => "retention.manage",
            Action::ProfilePublish => "profile.publish",
            Action::UserManage => "user.manage",
            Action::AuditRead => "audit.read",
        }
    }
}

/// How far a granted action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only records the caller made (volunteers: 001 §6(1) volunteers report, they do not see others' reports).
    Own,
    /// Records of the caller's unit.
    Unit,
    /// Everything.
    All,
}

/// The policy table: role × action → scope, `None` = refused.
pub fn allowed(role: Role, action: Action) -> Option<Scope> {
    use Action::*;
    use Role::*;
    use Scope::{All, Own, Unit};
    match (action, role) {
        (Public, _) => Some(All),
        (SessionRead | SessionLogout | Lookup, _) => Some(Own),
        (SubmissionCreate, _) => Some(Own),
        (SubmissionList | SubmissionRead, Volunteer) => Some(Own),
        (SubmissionList | SubmissionRead, Officer | Supervisor) => Some(Unit),
        (SubmissionList | SubmissionRead, Admin) => Some(All),
        (CaseList | CaseRead, Officer | Supervisor) => Some(Unit),
        (CaseList | CaseRead, Admin) => Some(All),
        // Approve / return / done: the unit's responsible officer (001 §5(3)), never an admin or another unit.
        (CaseReview, Supervisor) => Some(Unit),
        (WarningCreate, Officer | Supervisor) => Some(Unit),
        (HoldRead | TakedownRead | ProviderRead, Officer | Supervisor) => Some(Unit),
        (HoldRead | TakedownRead | ProviderRead, Admin) => Some(All),
        (HoldManage, Supervisor) => Some(Unit),
        (TakedownCreate | TakedownUpdate, Officer | Supervisor) => Some(Unit),
        // The ICSA hand-off (000 §2(1)) goes through the unit's responsible officer.
        (TakedownExport | ReportRead, Supervisor) => Some(Unit),
        (TakedownExport, Admin) => Some(All),
        (ReportRead, Admin) => Some(All),
        (ProviderWrite | RetentionManage | ProfilePublish | UserManage | AuditRead, Admin) => {
            Some(All)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volunteers_reach_only_their_own_submissions_and_no_cases() {
        assert_eq!(
            allowed(Role::Volunteer, Action::SubmissionRead),
            Some(Scope::Own)
        );
        assert_eq!(allowed(Role::Volunteer, Action::CaseList), None);
        assert_eq!(allowed(Role::Volunteer, Action::HoldManage), None);
    }

    #[test]
    fn only_supervisors_review_and_only_admins_administer() {
        for r in [Role::Volunteer, Role::Officer, Role::Admin] {
            assert_eq!(allowed(r, Action::CaseReview), None, "{r:?}");
        }
        for r in [Role::Volunteer, Role::Officer, Role::Supervisor] {
            assert_eq!(allowed(r, Action::UserManage), None, "{r:?}");
            assert_eq!(allowed(r, Action::AuditRead), None, "{r:?}");
        }
    }
}

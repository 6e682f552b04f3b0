//! The caller's own data as one document (`GET /api/me/export`), the same one the operator's
//! `challenger users export` prints.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json, types::Example};

use super::{
    AppState, Tag,
    challenges::ChallengeResponse,
    documented::{ApiResult, flags::*},
    quota::QuotaResponse,
    security::ClerkAuth,
};
use crate::service::{quotas::QuotaView, users::UserExport};

/// A user's profile as stored.
#[derive(Debug, Object)]
#[oai(rename = "UserProfile", example)]
pub struct UserProfile {
    /// The Clerk user id.
    pub id: String,
    /// The primary email address, if Clerk sent one.
    #[oai(nullable)]
    pub email: Option<String>,
    #[oai(nullable)]
    pub username: Option<String>,
    #[oai(nullable)]
    pub first_name: Option<String>,
    #[oai(nullable)]
    pub last_name: Option<String>,
    /// When the service first stored the user (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// Clerk's `updated_at` of the last profile received from a webhook; the Unix epoch while
    /// the profile comes only from session tokens.
    pub updated_at: DateTime<Utc>,
}

/// Everything the service stores about a user: the profile, the quota, and every challenge with
/// its recorded answer, newest first.
#[derive(Debug, Object)]
#[oai(rename = "UserExport", example)]
pub struct ExportDocument {
    pub user: UserProfile,
    pub quota: QuotaResponse,
    /// Every challenge of the user, newest first, as the history lists them.
    pub challenges: Vec<ChallengeResponse>,
    /// When the document was made (RFC 3339, UTC).
    pub exported_at: DateTime<Utc>,
}

impl From<UserExport> for ExportDocument {
    fn from(export: UserExport) -> Self {
        let profile = export.user.profile;
        Self {
            user: UserProfile {
                id: profile.id,
                email: profile.email,
                username: profile.username,
                first_name: profile.first_name,
                last_name: profile.last_name,
                created_at: export.user.created_at,
                updated_at: export.user.updated_at,
            },
            quota: export.quota.into(),
            challenges: export.challenges.into_iter().map(Into::into).collect(),
            exported_at: export.exported_at,
        }
    }
}

impl Example for UserProfile {
    fn example() -> Self {
        Self {
            id: "user_2abc".into(),
            email: Some("ada@example.com".into()),
            username: Some("ada".into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            created_at: super::example_time(),
            updated_at: super::example_time(),
        }
    }
}

impl Example for ExportDocument {
    fn example() -> Self {
        Self {
            user: UserProfile::example(),
            quota: QuotaResponse::example(),
            challenges: vec![ChallengeResponse::example()],
            exported_at: super::example_time(),
        }
    }
}

#[derive(ApiResponse)]
enum ExportResponse {
    /// The export document, as a file to save.
    #[oai(status = 200)]
    Document(
        Json<ExportDocument>,
        /// `attachment; filename="challenger-export-<user id>.json"`.
        #[oai(header = "Content-Disposition")]
        String,
        /// `no-store`: personal data stays out of caches.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[derive(Default)]
pub struct ExportApi;

#[OpenApi(tag = "Tag::Account")]
impl ExportApi {
    /// Export my data
    ///
    /// Everything the service stores about the caller (profile, quota, every challenge with its
    /// answer), as a JSON file to download.
    #[oai(path = "/api/me/export", method = "get", operation_id = "exportMyData")]
    async fn export_my_data(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
    ) -> ApiResult<ExportResponse, { UNAUTHORIZED }> {
        let user = auth.0;
        let view = QuotaView::Caller {
            plan: user.plan.as_deref(),
        };
        let document = ExportDocument::from(state.users.export(&user.id, view).await?);
        Ok(ExportResponse::Document(
            Json(document),
            format!(
                "attachment; filename=\"challenger-export-{}.json\"",
                file_name_part(&user.id)
            ),
            "no-store".into(),
        ))
    }
}

/// The user id as it may appear in a file name: letters, digits, `_` and `-`, at most 64.
fn file_name_part(user_id: &str) -> String {
    user_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .take(64)
        .collect()
}

//! Every admin API answer is JSON, including paths it does not know (README: every API
//! answer is `{"error": …}`).

use crate::support::*;

#[tokio::test]
async fn an_unknown_api_path_is_404_with_a_json_error() {
    let (server, token) = TestServer::with_admin(packyard_testkit::Backend::Sqlite).await;
    for path in [
        "/api/v1/no-such-thing",
        "/api/v1/accounts/MAG1/nothing",
        "/api/x",
    ] {
        let answer = server.send(Request::get(path).bearer(&token)).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.header("content-type"), Some("application/json"));
        answer.assert_error_contains(path);
    }
}

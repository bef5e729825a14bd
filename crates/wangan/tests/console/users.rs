//! Users the command line adds while the server runs can sign in at once.

use super::{Srv, add_user, login};

#[test]
fn a_user_added_on_the_command_line_signs_in_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let s = Srv::start(&dir, None);
    for i in 0..5 {
        // a sign-in reads the users the server knows; the next one follows a change at once,
        // however soon after that read the file changed
        let r = login(&s, "admin", &s.admin_password);
        assert_eq!(r.status, 303, "admin signs in: {}", r.text());
        let name = format!("op{i}");
        add_user(&dir, &name, "operator", "a long enough password");
        let r = login(&s, &name, "a long enough password");
        assert_eq!(
            r.status,
            303,
            "{name} signs in right after `wangan user add`: {}",
            r.text()
        );
    }
    s.stop();
}

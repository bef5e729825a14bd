//! Fuzz the signed-note and checkpoint parsers, the checkpoint log parser and
//! the tombstone parser, and signature checking of whatever parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let keys = vault::keys::PublicKeys::from_verifier_key(
        "wangan.vault/50e1fe1a30b73662+b701a5db+AWW1fQGBcy8iUUXmF0AvDYnSL/Xfy/Rn1zXjwC3Qu5xO",
    )
    .ok();
    if let Ok(c) = vault::SignedCheckpoint::parse(&text) {
        // what parses prints back to a note that parses to the same content
        let again = vault::SignedCheckpoint::parse(&c.to_string());
        assert!(again.is_ok_and(|a| a.checkpoint == c.checkpoint));
        if let Some(k) = &keys {
            let _ = c.check(k);
        }
    }
    let _ = vault::note::Note::parse(&text);
    let _ = vault::Checkpoint::parse_text(&text);
    let log = vault::note::parse_checkpoint_log(&text);
    assert!(log.entries.len() <= data.len());
    let _ = vault::tombstone::Tombstone::parse(&text);
    let _ = vault::keys::PublicKeys::from_verifier_key(&text);
    // verifier keys and key files (trust anchors): what parses prints back the same
    if let Ok(k) = vault::VerifierKey::parse(&text) {
        assert!(vault::VerifierKey::parse(&k.vkey()).is_ok_and(|a| a == k));
    }
    let _ = vault::TrustedKeys::parse_text(&text, "fuzz", Some("wangan.vault/x"));
});

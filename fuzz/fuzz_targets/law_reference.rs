//! Fuzz law reference resolution (`23(3)`, `第二十三条第三项`, `CSL-2016 21(3)`,
//! duty ids …) in every version: never a panic, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for v in law::Version::ALL {
        if let Ok(t) = law::resolve(&text, v) {
            // a resolved location resolves again from its own key
            let _ = law::resolve(&t.loc.key(), v);
        }
    }
});

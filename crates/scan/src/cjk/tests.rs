//! Tests of the walk: its inner loop and memo against full steps, names, keywords, addresses.

use super::*;

fn found(s: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    scan(
        s.as_bytes(),
        true,
        true,
        crate::lexer::key_name,
        &mut Vec::new(),
        &mut out,
    );
    out.into_iter()
        .map(|(a, x, y)| (a, s[x..y].to_owned()))
        .collect()
}

#[test]
fn names_by_what_follows() {
    let cases: &[(&str, &[&str])] = &[
        ("新来的同事叫李玉华，负责财务。", &["李玉华"]),
        ("曹飞同志自2019年起担任经理。", &["曹飞"]),
        ("客户王平来电咨询", &["王平"]),
        ("[15:02] 郑文：收到", &["郑文"]),
        ("@萧红梅 麻烦看一下", &["萧红梅"]),
        ("欧阳娜娜 邀请 傅强 加入了群聊", &["欧阳娜娜", "傅强"]),
        ("王经理明天到公司开会。", &[]),
        ("客户单位：四通科技有限公司", &[]),
        ("我们计划去金华旅游，顺便看看石家庄。", &[]),
    ];
    for (text, want) in cases {
        let got: Vec<String> = found(text)
            .into_iter()
            .filter(|f| !f.0)
            .map(|f| f.1)
            .collect();
        assert_eq!(&got, want, "{text}");
    }
}

/// The next state of the test texts' generator (Knuth's MMIX linear congruential step).
fn lcg(x: u64) -> u64 {
    x.wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
}

/// Text from the tables' own words (surnames, given names, provinces
/// and prefectures, street and unit characters, address cues, titles,
/// words that introduce or follow a person), numbers, punctuation and
/// ASCII, in a pseudo-random order.
fn mixed_text(seed: u64, words: usize) -> String {
    mixed_text_keys(seed, words, 1)
}

/// [`mixed_text`] with each keyword that introduces a name `keys` times
/// among the pieces (and after it, as often, a surname).
fn mixed_text_keys(seed: u64, words: usize, keys: usize) -> String {
    let mut sur = data_lines(SURNAMES);
    let mut given = data_lines(GIVEN);
    let mut div = data_lines(DIVISIONS);
    let mut pieces: Vec<String> = Vec::new();
    for line in [
        sur.next(),
        sur.next(),
        given.next(),
        given.next(),
        given.next(),
    ] {
        pieces.extend(line.unwrap_or("").chars().map(String::from));
    }
    for line in [sur.next(), div.next(), div.next()] {
        pieces.extend(line.unwrap_or("").split_whitespace().map(String::from));
    }
    for chars in [
        ADMIN_CHARS,
        STREET_CHARS,
        UNIT_CHARS,
        PLACE_CHARS,
        STOP_CHARS,
        RIGHT_CHARS,
        LEFT_CHARS,
    ] {
        pieces.extend(chars.chars().map(String::from));
    }
    for words in [ADDR_CUES, TITLE_WORDS, WORDS, SUFFIXES] {
        pieces.extend(words.iter().map(|w| w.to_string()));
    }
    for _ in 0..keys {
        pieces.extend(name_keys().map(String::from));
    }
    for s in data_lines(SURNAMES)
        .next()
        .unwrap_or("")
        .chars()
        .take(keys * 6)
    {
        pieces.push(s.to_string());
    }
    for p in [
        "，", "。", "：", "、", " ", "\n", "12", "3-5", "B", "88", "一", "十二", " 100080",
        "[15:02] ", "name=", "来电", "同志", "小区", "大厦", "单元", "\u{3400}", "𠀀",
    ] {
        pieces.push(p.to_string());
    }
    let mut x = seed;
    let mut s = String::new();
    for _ in 0..words {
        x = lcg(x);
        s.push_str(&pieces[(x >> 33) as usize % pieces.len()]);
    }
    s
}

#[test]
fn inner_loop_finds_what_full_steps_find() {
    // (names, addresses) found, so the comparison is not of nothing
    let mut found = (0, 0);
    for seed in 1..=6 {
        let text = mixed_text(seed, 30_000);
        let b = text.as_bytes();
        // names found after a keyword: every fifth surname's three
        // characters
        let taken: Vec<(usize, usize)> = (0..b.len())
            .filter(|&j| text.is_char_boundary(j) && surname_len(b, j) == Some(3))
            .step_by(5)
            .map(|j| (j, j + 9))
            .filter(|&(_, e)| e <= b.len() && text.is_char_boundary(e))
            .collect();
        let mut taken = taken;
        taken.dedup_by(|b, a| b.0 < a.1);
        for (names, addresses) in [(true, true), (true, false), (false, true)] {
            for tk in [&[][..], &taken[..]] {
                let (mut fast, mut full) = (Vec::new(), Vec::new());
                walk::<true>(b, names, addresses, None, &mut tk.to_vec(), &mut fast, None);
                walk::<false>(b, names, addresses, None, &mut tk.to_vec(), &mut full, None);
                found.0 += fast.iter().filter(|f| !f.0).count();
                found.1 += fast.iter().filter(|f| f.0).count();
                assert_eq!(
                    fast, full,
                    "seed {seed}, names {names}, addresses {addresses}"
                );
            }
        }
    }
    assert!(found.0 > 1000 && found.1 > 100, "{found:?}");
}

/// Text of repeated segments: [`mixed_text_keys`] pieces (up to eight,
/// a few keywords among them) and addresses from a pool of 70, between ASCII
/// separators (some of them those [`KeyName`] reads past), so that most
/// segments are seen again.
fn repeated_text(seed: u64, segments: usize) -> String {
    let mut pool: Vec<String> = (0..60)
        .map(|k| mixed_text_keys(seed * 1000 + k, 1 + (k as usize * 7) % 8, 3))
        .collect();
    // addresses, some in two segments (a number between), some after
    // a segment that records their start
    for (k, a) in [
        "广东省深圳市南山区科技园路88号华润大厦32层3201室",
        "艳市高港区兰州路277号G座23楼",
        "吉林省欣县淄川惠州街B座 674391",
        "住在浙江省杭州市西湖区文三路",
        "北京市海淀区中关村大街",
    ]
    .iter()
    .enumerate()
    {
        pool.push(a.to_string());
        pool.push(mixed_text(seed * 1000 + 100 + k as u64, 2) + a);
    }
    let seps = [" ", ": ", "=", "\n", "\"", "12", "'", "，", "x "];
    let mut x = seed;
    let mut s = String::new();
    for _ in 0..segments {
        x = lcg(x);
        s.push_str(&pool[(x >> 33) as usize % pool.len()]);
        s.push_str(seps[(x >> 20) as usize % seps.len()]);
    }
    s
}

#[test]
fn memo_finds_what_the_walk_finds() {
    // one memo for every option combination: its entries are kept per
    // combination
    let mut memo = Memo::new();
    let (mut found, mut keyed) = ((0, 0), 0);
    for seed in 1..=4 {
        // text whose segments seldom repeat (the memo pauses there, and
        // what is left of the pause carries over to the next text)
        let fresh = mixed_text(seed + 10, 30_000);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let f = fresh.as_bytes();
        walk::<true>(
            f,
            true,
            true,
            None,
            &mut Vec::new(),
            &mut a,
            Some(&mut memo),
        );
        walk::<true>(f, true, true, None, &mut Vec::new(), &mut b, None);
        assert!(a == b, "seed {seed}, text without repeats");
        let text = repeated_text(seed, 20_000);
        let b = text.as_bytes();
        // names found after a keyword (without `key_name`): every
        // fifth surname's three characters
        let mut taken: Vec<(usize, usize)> = (0..b.len())
            .filter(|&j| text.is_char_boundary(j) && surname_len(b, j) == Some(3))
            .step_by(5)
            .map(|j| (j, j + 9))
            .filter(|&(_, e)| e <= b.len() && text.is_char_boundary(e))
            .collect();
        taken.dedup_by(|b, a| b.0 < a.1);
        let kn: KeyName = crate::lexer::key_name;
        // each combination after another, so that a segment kept by one
        // is looked up by the next
        for (names, addresses) in [(false, true), (true, true), (true, false), (true, true)] {
            for (tk, key) in [(&[][..], None), (&taken[..], None), (&[][..], Some(kn))] {
                let (mut memoed, mut fast, mut full) = (Vec::new(), Vec::new(), Vec::new());
                let (mut t1, mut t2, mut t3) = (tk.to_vec(), tk.to_vec(), tk.to_vec());
                let key = key.filter(|_| names);
                walk::<true>(
                    b,
                    names,
                    addresses,
                    key,
                    &mut t1,
                    &mut memoed,
                    Some(&mut memo),
                );
                walk::<true>(b, names, addresses, key, &mut t2, &mut fast, None);
                walk::<false>(b, names, addresses, key, &mut t3, &mut full, None);
                found.0 += memoed.iter().filter(|f| !f.0).count();
                found.1 += memoed.iter().filter(|f| f.0).count();
                keyed += t1.len() - tk.len();
                // the first difference, not the whole lists
                fn first<T: PartialEq + Copy>(a: &[T], b: &[T]) -> (usize, Option<T>, Option<T>) {
                    let k = a.iter().zip(b).take_while(|(x, y)| x == y).count();
                    (k, a.get(k).copied(), b.get(k).copied())
                }
                let what = format!("seed {seed}, names {names}, addresses {addresses}");
                for (a, b) in [(&memoed, &fast), (&fast, &full)] {
                    assert!(a == b, "{what}: {:?}", first(a, b));
                }
                for (a, b) in [(&t1, &t2), (&t2, &t3)] {
                    assert!(a == b, "{what}, names after keywords: {:?}", first(a, b));
                }
            }
        }
    }
    // the comparison is not of nothing, and the memo was used
    assert!(
        found.0 > 1000 && found.1 > 100 && keyed > 1000 && memo.used > 50_000,
        "{found:?} {keyed} {}",
        memo.used
    );
}

/// Where [`no_given_end`] spares the walk a [`name_scored`] call, the
/// call finds no name, whatever precedes.
#[test]
fn no_given_end_only_where_no_name() {
    let t = tables();
    let (mut spared, mut called) = (0, 0);
    for seed in 1..4 {
        let s = mixed_text(seed, 20_000);
        let text = s.as_bytes();
        for i in 0..text.len() {
            let Some(f) = flags_at(t, text, i) else {
                continue;
            };
            let nx = flags_at(t, text, i + 3);
            if f & (SUR1 | SUR2 | SURC) == 0
                || nx.is_none_or(|g| g & (GIVEN1 | GIVEN2 | GIVEN3 | TITLE) == 0)
            {
                continue;
            }
            for pf in [
                None,
                Some(0),
                Some(LEFT),
                ideo_before(text, i).map(|p| t.flags[p]),
            ] {
                if no_given_end(t, text, i, f, nx, pf) {
                    spared += 1;
                    assert_eq!(
                        name_scored(t, text, i, f, pf).map(|r| r.0),
                        Err(i + 3),
                        "{i}"
                    );
                } else {
                    called += 1;
                }
            }
        }
    }
    assert!(spared > 1000 && called > 1000, "{spared} {called}");
}

#[test]
fn name_keys_overlap_none() {
    // the walk finds every keyword where it starts, as a search of all
    // the keywords would: none may end where another starts or hold
    // another, and each starts with two ideographs (the walk's pair)
    let keys: Vec<&str> = name_keys().collect();
    assert!(keys.len() >= 6, "{keys:?}");
    for a in &keys {
        let c: Vec<char> = a.chars().collect();
        assert!(c.len() >= 2 && c[..2].iter().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)));
        for b in &keys {
            if a != b {
                assert!(!a.contains(b), "{a} holds {b}");
            }
            for k in 1..c.len() {
                let tail: String = c[k..].iter().collect();
                assert!(!b.starts_with(&tail), "{a} ends where {b} starts");
            }
        }
    }
}

#[test]
fn keywords_found_on_the_way_as_by_a_search() {
    // names after keywords: the walk's (keywords found as it passes)
    // against those of a search of every keyword at every byte, given to
    // the full steps as names to skip
    let t = tables();
    let mut found = 0;
    for seed in 11..=16 {
        let text = mixed_text_keys(seed, 30_000, 25);
        let b = text.as_bytes();
        let mut searched = Vec::new();
        for q in 0..b.len() {
            if let Some(l) = word_at(b, q, &t.keys)
                && let Some(span) = crate::lexer::key_name(b, q + l)
            {
                searched.push(span);
            }
        }
        found += searched.len();
        for (names, addresses) in [(true, true), (true, false)] {
            let mut want = Vec::new();
            walk::<false>(
                b,
                names,
                addresses,
                None,
                &mut searched.clone(),
                &mut want,
                None,
            );
            let kn: KeyName = crate::lexer::key_name;
            let (mut fast, mut full) = (Vec::new(), Vec::new());
            let (mut tfast, mut tfull) = (Vec::new(), Vec::new());
            walk::<true>(b, names, addresses, Some(kn), &mut tfast, &mut fast, None);
            walk::<false>(b, names, addresses, Some(kn), &mut tfull, &mut full, None);
            // the first difference, not the whole lists
            let first = |a: &[(usize, usize)], b: &[(usize, usize)]| {
                let k = a.iter().zip(b).take_while(|(x, y)| x == y).count();
                (a.len(), b.len(), a.get(k).copied(), b.get(k).copied())
            };
            let spans = |v: &[Span]| v.iter().map(|s| (s.1, s.2)).collect::<Vec<_>>();
            for (got, what) in [(&tfast, "inner loop"), (&tfull, "full steps")] {
                assert!(
                    got == &searched,
                    "seed {seed}, addresses {addresses}, {what}: names after keywords {:?}",
                    first(got, &searched)
                );
            }
            for (got, what) in [(&fast, "inner loop"), (&full, "full steps")] {
                assert!(
                    got == &want,
                    "seed {seed}, addresses {addresses}, {what}: found {:?}",
                    first(&spans(got), &spans(&want))
                );
            }
        }
    }
    assert!(found > 1000, "{found}");
}

#[test]
fn addresses_by_grammar() {
    let cases: &[(&str, &str)] = &[
        (
            "吉林省欣县淄川惠州街B座 674391",
            "吉林省欣县淄川惠州街B座 674391",
        ),
        (
            "我家住在广东省深圳市南山区科技园路88号华润大厦32层3201室，欢迎来玩。",
            "广东省深圳市南山区科技园路88号华润大厦32层3201室",
        ),
        (
            "收货地址：艳市高港区兰州路277号G座23楼",
            "艳市高港区兰州路277号G座23楼",
        ),
    ];
    for (text, want) in cases {
        let got: Vec<String> = found(text)
            .into_iter()
            .filter(|f| f.0)
            .map(|f| f.1)
            .collect();
        assert_eq!(got, vec![want.to_string()], "{text}");
    }
}

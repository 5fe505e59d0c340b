//! The generated ~20 KB policy of the parse benchmark, shared by `core_bench.rs` and
//! `examples/parse_profile.rs`.

/// A generated policy of about `target` bytes: varied statements with conditions.
pub fn big_policy(target: usize) -> String {
    let mut statements = Vec::new();
    let mut len = 0;
    let mut i = 0;
    while len < target {
        let s = format!(
            r#"    {{
      "Sid": "Generated{i}",
      "Effect": "{effect}",
      "Principal": {{"AWS": ["arn:aws:iam::111122223333:role/team{i}/Reader", "4444555566{n:02}"]}},
      "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:List*"],
      "Resource": ["arn:aws:s3:::example-bucket/team{i}/*", "arn:aws:s3:::example-bucket"],
      "Condition": {{
        "StringLike": {{"s3:prefix": ["team{i}/*", ""]}},
        "IpAddress": {{"aws:SourceIp": ["10.{n}.0.0/16", "2001:db8:{n}::/48"]}},
        "NumericLessThanEquals": {{"s3:max-keys": {n}}}
      }}
    }}"#,
            effect = if i % 5 == 4 { "Deny" } else { "Allow" },
            n = i % 100,
        );
        len += s.len() + 2;
        statements.push(s);
        i += 1;
    }
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    )
}

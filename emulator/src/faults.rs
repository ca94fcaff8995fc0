//! Faults on demand (`--faults throttle=0.1,error5xx=0.05,latency=300ms,region-down=us-east-1`),
//! deterministic for a given `--seed`.

use crate::error::AwsError;
use std::collections::BTreeSet;
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Probability of a throttling error.
    pub throttle: f64,
    /// Probability of a 500/503 error.
    pub error5xx: f64,
    /// Added to every affected response.
    pub latency: Duration,
    /// Whether mutating calls are affected too (by default only reads are).
    pub mutations: bool,
    /// Regions whose endpoints are unreachable at start (`region-down=us-east-1+eu-west-1`);
    /// `POST /_emulator/faults` changes them at run time.
    pub region_down: BTreeSet<String>,
    /// Regions whose calls are held open and never answered (`region-hang=us-east-1`): the
    /// client gives up on its own timeout, as with a black-holed endpoint.
    pub region_hang: BTreeSet<String>,
}

fn probability(key: &str, v: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|p| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("--faults {key}={v}: expected a probability between 0 and 1"))
}

impl Faults {
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut f = Faults::default();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| format!("--faults: '{item}' is not key=value"))?;
            match k {
                "throttle" => f.throttle = probability(k, v)?,
                "error5xx" => f.error5xx = probability(k, v)?,
                "latency" => {
                    let ms = v.strip_suffix("ms").map_or_else(
                        || {
                            v.strip_suffix('s')
                                .and_then(|s| s.parse::<f64>().ok())
                                .map(|s| s * 1000.0)
                        },
                        |m| m.parse::<f64>().ok(),
                    );
                    let ms = ms
                        .filter(|m| m.is_finite() && *m >= 0.0 && *m <= 60_000.0)
                        .ok_or_else(|| {
                            format!("--faults latency={v}: expected e.g. 300ms or 1s")
                        })?;
                    f.latency = Duration::from_millis(ms as u64);
                }
                "mutations" => {
                    f.mutations = v
                        .parse()
                        .map_err(|_| format!("--faults mutations={v}: expected true or false"))?;
                }
                "region-down" | "region-hang" => {
                    for region in v.split('+').filter(|r| !r.is_empty()) {
                        if !crate::models::is_valid_region(region) {
                            return Err(format!(
                                "--faults {k}={v}: '{region}' is not a region name"
                            ));
                        }
                        if k == "region-down" {
                            f.region_down.insert(region.to_string());
                        } else {
                            f.region_hang.insert(region.to_string());
                        }
                    }
                }
                other => return Err(format!("--faults: unknown fault '{other}'")),
            }
        }
        Ok(f)
    }

    pub fn applies_to(&self, mutating: bool) -> bool {
        !mutating || self.mutations
    }

    /// The error to inject for one call, if any.
    pub fn roll(&self, rng: &mut Rng, mutating: bool) -> Option<AwsError> {
        if !self.applies_to(mutating) {
            return None;
        }
        if self.throttle > 0.0 && rng.unit() < self.throttle {
            return Some(AwsError::Throttling);
        }
        if self.error5xx > 0.0 && rng.unit() < self.error5xx {
            return Some(if rng.unit() < 0.5 {
                AwsError::ServiceUnavailable
            } else {
                AwsError::InternalFailure
            });
        }
        None
    }
}

/// splitmix64: small, seedable, good enough for fault dice and request ids.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A UUID-shaped request id.
    pub fn request_id(&mut self) -> String {
        let h = format!("{:016x}{:016x}", self.next_u64(), self.next_u64());
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let f = Faults::parse("throttle=0.1,error5xx=0.05,latency=300ms").unwrap();
        assert_eq!(f.throttle, 0.1);
        assert_eq!(f.error5xx, 0.05);
        assert_eq!(f.latency, Duration::from_millis(300));
        assert!(!f.mutations);
        assert!(Faults::parse("throttle=2").is_err());
        assert!(Faults::parse("bogus=1").is_err());
        assert!(Faults::parse("mutations=true").unwrap().mutations);
        let down = Faults::parse("region-down=us-east-1+eu-west-1").unwrap();
        assert_eq!(
            down.region_down.iter().collect::<Vec<_>>(),
            ["eu-west-1", "us-east-1"]
        );
        assert!(Faults::parse("region-down=nowhere").is_err());
        let hang = Faults::parse("region-hang=us-east-1").unwrap();
        assert!(hang.region_down.is_empty());
        assert_eq!(hang.region_hang.iter().collect::<Vec<_>>(), ["us-east-1"]);
    }

    #[test]
    fn same_seed_same_faults_and_reads_only_by_default() {
        let f = Faults::parse("throttle=0.5").unwrap();
        let run = |seed| {
            let mut r = Rng::new(seed);
            (0..50)
                .map(|_| f.roll(&mut r, false).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert!(run(7).iter().any(|x| *x) && run(7).iter().any(|x| !*x));
        let mut r = Rng::new(1);
        assert!((0..50).all(|_| f.roll(&mut r, true).is_none()));
        assert_eq!(Rng::new(3).request_id().len(), 36);
    }
}

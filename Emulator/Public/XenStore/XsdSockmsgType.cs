namespace XvifSim.Public.XenStore;

/// <summary>
/// xs_wire.h's <c>enum xsd_sockmsg_type</c>: the type field of every XenStore
/// message header. WatchEvent and Error only ever travel from server to client.
/// Types 23 to 26 are newer than Xen 4.17's header; a server that does not
/// implement one answers ERROR "ENOSYS" (docs/misc/xenstore.txt).
/// </summary>
public enum XsdSockmsgType : uint
{
    /// <summary>XS_CONTROL, formerly XS_DEBUG.</summary>
    Control = 0,
    Directory = 1,
    Read = 2,
    GetPerms = 3,
    Watch = 4,
    Unwatch = 5,
    TransactionStart = 6,
    TransactionEnd = 7,
    Introduce = 8,
    Release = 9,
    GetDomainPath = 10,
    Write = 11,
    Mkdir = 12,
    Rm = 13,
    SetPerms = 14,
    WatchEvent = 15,
    Error = 16,
    IsDomainIntroduced = 17,
    Resume = 18,
    SetTarget = 19,

    /// <summary>XS_RESTRICT: removed from the protocol, now an invalid type.</summary>
    Restrict = 20,
    ResetWatches = 21,
    DirectoryPart = 22,
    GetFeature = 23,
    SetFeature = 24,
    GetQuota = 25,
    SetQuota = 26,

    /// <summary>
    /// XS_TYPE_COUNT: the number of valid types. Public follows the current
    /// header (27, with XS_GET_FEATURE to XS_SET_QUOTA); Xen 4.17's header
    /// stops at XS_DIRECTORY_PART, so its XS_TYPE_COUNT is 23.
    /// </summary>
    TypeCount = 27,

    /// <summary>XS_INVALID: guaranteed to remain an invalid type.</summary>
    Invalid = 0xFFFF,
}

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
    /// <summary>XS_DIRECTORY.</summary>
    Directory = 1,
    /// <summary>XS_READ.</summary>
    Read = 2,
    /// <summary>XS_GET_PERMS.</summary>
    GetPerms = 3,
    /// <summary>XS_WATCH.</summary>
    Watch = 4,
    /// <summary>XS_UNWATCH.</summary>
    Unwatch = 5,
    /// <summary>XS_TRANSACTION_START.</summary>
    TransactionStart = 6,
    /// <summary>XS_TRANSACTION_END.</summary>
    TransactionEnd = 7,
    /// <summary>XS_INTRODUCE.</summary>
    Introduce = 8,
    /// <summary>XS_RELEASE.</summary>
    Release = 9,
    /// <summary>XS_GET_DOMAIN_PATH.</summary>
    GetDomainPath = 10,
    /// <summary>XS_WRITE.</summary>
    Write = 11,
    /// <summary>XS_MKDIR.</summary>
    Mkdir = 12,
    /// <summary>XS_RM.</summary>
    Rm = 13,
    /// <summary>XS_SET_PERMS.</summary>
    SetPerms = 14,
    /// <summary>XS_WATCH_EVENT.</summary>
    WatchEvent = 15,
    /// <summary>XS_ERROR.</summary>
    Error = 16,
    /// <summary>XS_IS_DOMAIN_INTRODUCED.</summary>
    IsDomainIntroduced = 17,
    /// <summary>XS_RESUME.</summary>
    Resume = 18,
    /// <summary>XS_SET_TARGET.</summary>
    SetTarget = 19,

    /// <summary>XS_RESTRICT: removed from the protocol, now an invalid type.</summary>
    Restrict = 20,
    /// <summary>XS_RESET_WATCHES.</summary>
    ResetWatches = 21,
    /// <summary>XS_DIRECTORY_PART.</summary>
    DirectoryPart = 22,
    /// <summary>XS_GET_FEATURE.</summary>
    GetFeature = 23,
    /// <summary>XS_SET_FEATURE.</summary>
    SetFeature = 24,
    /// <summary>XS_GET_QUOTA.</summary>
    GetQuota = 25,
    /// <summary>XS_SET_QUOTA.</summary>
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

namespace XvifSim.Emulator.XenStore;

/// <summary>How a request type treats its header's tx_id (core.c's wire_funcs flags).</summary>
internal enum XsTxMode
{
    /// <summary>XS_FLAG_NOTID: tx_id is not looked at (WATCH, UNWATCH, unknown types).</summary>
    Ignore,

    /// <summary>tx_id must be 0 or an open transaction (else ENOENT), but the request acts on the main tree.</summary>
    Check,

    /// <summary>tx_id must be 0 or an open transaction (else ENOENT), and the request acts inside it.</summary>
    Use,
}

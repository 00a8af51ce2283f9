namespace XvifSim.Public.XenStore;

/// <summary>
/// One row of xs_wire.h's <c>xsd_errors[]</c> (<c>struct xsd_errors</c>):
/// the errno number and the name sent on the wire for it.
/// </summary>
public readonly record struct XsdError(Errno Errnum, string Errstring);

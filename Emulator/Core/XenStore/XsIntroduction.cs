using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// A domain made known to the store (INTRODUCE or <see cref="XenStoreCore.IntroduceDomain"/>),
/// for the ring server: the ring's gfn and the event channel as INTRODUCE gave
/// them (0 when the hypervisor introduced the domain directly), and whether
/// the domain was already introduced (a repeat resets its connection, as C's
/// domain_conn_reset does).
/// </summary>
public readonly record struct XsIntroduction(DomId Domain, long Gfn, uint EventChannel, bool Repeat);

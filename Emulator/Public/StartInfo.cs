using XvifSim.Public.Memory;

namespace XvifSim.Public;

/// <summary>
/// What a guest learns at boot (xen.h's start_info / HVM params): its
/// address-space layout and where its XenStore ring and event channel are.
/// </summary>
public sealed record StartInfo(PhysMap Layout, Gfn StoreMfn, EvtchnPort StoreEvtchn);

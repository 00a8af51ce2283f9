using XvifSim.Emulator.Domains;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.Faults;

/// <summary>
/// The points where an installed fault plan may answer in the hypervisor's
/// stead (<see cref="Machine.Faults"/>). Each is asked before the operation
/// takes any lock or changes anything, so a struck operation does nothing but
/// return the chosen answer, as a real failure found at its first check would.
/// With no hooks installed each point costs one null check: the grant-copy
/// and event paths carry every frame.
/// An implementation is called from any vCPU (any thread under the threaded
/// scheduler) and may write the console; it must not call back into the
/// operation it was asked about.
/// </summary>
public interface IFaultHooks
{
    /// <summary>
    /// One element of a GNTTABOP_map_grant_ref batch by <paramref name="caller"/>.
    /// <see cref="GntSt.Okay"/> lets it run; any other status is its answer.
    /// </summary>
    GntSt MapGrant(Domain caller, in GnttabMapGrantRef op);

    /// <summary>
    /// One element of a GNTTABOP_copy batch by <paramref name="caller"/>.
    /// <see cref="GntSt.Okay"/> lets it run; any other status is its answer.
    /// </summary>
    GntSt CopyGrant(Domain caller, in GnttabCopy op);

    /// <summary>EVTCHNOP_send by <paramref name="sender"/> on its <paramref name="port"/>: deliver, drop or delay it.</summary>
    EvtchnFault SendEvent(Domain sender, EvtchnPort port);

    /// <summary>
    /// One XenStore request of <paramref name="conn"/>, of <paramref name="type"/>,
    /// on the absolute <paramref name="path"/> (empty for requests without
    /// one). <see cref="Errno.Ok"/> lets it run; any other errno is answered
    /// as its ERROR reply.
    /// </summary>
    Errno XenStoreRequest(XsConnection conn, XsdSockmsgType type, string path);
}

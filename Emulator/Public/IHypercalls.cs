using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.Memory;
using XvifSim.Public.Trace;

namespace XvifSim.Public;

/// <summary>
/// The hypercall facade of one domain: the only way a guest kernel reaches
/// the hypervisor. Every call acts as <see cref="DomId"/>; the caller cannot
/// choose another identity, and privileged operations answer EPERM or
/// GNTST_permission_denied unless <see cref="IsPrivileged"/>.
/// </summary>
public interface IHypercalls
{
    /// <summary>The calling domain.</summary>
    DomId DomId { get; }

    /// <summary>True for the control domain (dom0).</summary>
    bool IsPrivileged { get; }

    /// <summary>Boot information: layout, XenStore ring and port.</summary>
    StartInfo StartInfo { get; }

    /// <summary>The domain's pseudo-physical memory, page by page.</summary>
    IGuestMemory Memory { get; }

    /// <summary>The grant-table operations (GNTTABOP_*).</summary>
    IGrantTableOps GrantTable { get; }

    /// <summary>The event-channel operations (EVTCHNOP_*).</summary>
    IEventChannelOps EventChannel { get; }

    /// <summary>The domain's vCPU: upcall, timer, queued work.</summary>
    IVcpu Vcpu { get; }

    /// <summary>
    /// Where this domain's drivers report protocol records (ring entries,
    /// xenbus states), or null when the host traces nothing. Not a Xen
    /// hypercall: the simulator's window on the driver's choke points.
    /// </summary>
    ITraceSink? Trace { get; }

    /// <summary>HYPERVISOR_console_io(CONSOLEIO_write): one line of the kernel's log.</summary>
    void ConsoleWrite(string line);
}

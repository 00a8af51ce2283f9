using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Emulator.Grants;

/// <summary>GNTTABOP_setup_table and GNTTABOP_query_size (Xen's gnttab_setup_table, gnttab_query_size).</summary>
public sealed partial class GrantTable
{
    /// <summary>
    /// Grows the named domain's table to at least NrFrames frames (it never
    /// shrinks) and lists the first NrFrames, as gfns of that domain.
    /// </summary>
    public void SetupTable(ref GnttabSetupTable op)
    {
        op.FrameList = null;
        op.Status = FindTarget(op.Dom, out Domain? target);
        if (op.Status != GntSt.Okay)
        {
            return;
        }

        GrantTable gt = target!.GrantTable;
        lock (gt._lock)
        {
            if (op.NrFrames > gt._frames.Length)
            {
                op.Status = GntSt.GeneralError;
                return;
            }

            if (op.NrFrames > gt._nrFrames)
            {
                gt.Grow(op.NrFrames);
            }

            var frameList = new Gfn[op.NrFrames];
            for (uint i = 0; i < op.NrFrames; i++)
            {
                frameList[i] = gt.FrameGfn(i);
            }

            op.FrameList = frameList;
        }
    }

    /// <summary>GNTTABOP_query_size: the table's current and maximum frames, and a status.</summary>
    public void QuerySize(ref GnttabQuerySize op)
    {
        op.Status = FindTarget(op.Dom, out Domain? target);
        if (op.Status != GntSt.Okay)
        {
            return;
        }

        GrantTable gt = target!.GrantTable;
        lock (gt._lock)
        {
            op.NrFrames = gt._nrFrames;
            op.MaxNrFrames = (uint)gt._frames.Length;
        }
    }

    /// <summary>
    /// The domain a setup_table or query_size names: GNTST_bad_domain if
    /// there is none, then (XSM_TARGET) GNTST_permission_denied unless it is
    /// the caller or the caller is privileged.
    /// </summary>
    private GntSt FindTarget(DomId dom, out Domain? target)
    {
        if (!TryFindByAnyId(dom, out target))
        {
            return GntSt.BadDomain;
        }

        return target == _owner || _owner.IsPrivileged ? GntSt.Okay : GntSt.PermissionDenied;
    }
}

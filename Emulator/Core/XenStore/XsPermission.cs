using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// One entry of a node's permission list, written on the wire as a letter and
/// a decimal domid (<c>n0</c>, <c>r1</c>, <c>b2</c>, <c>w5</c>). The first
/// entry of a list names the owner and gives the default access for every
/// domain without an entry of its own (docs/misc/xenstore.txt).
/// </summary>
public readonly record struct XsPermission(DomId Domain, XsPermissionAccess Access)
{
    /// <summary>
    /// Parses one permission string. Like xs_lib.c's xenstore_strings_to_perms
    /// the letter must be n, r, w or b; unlike its atoi() the domid must be
    /// plain decimal that fits a domid_t, so junk is EINVAL rather than 0.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out XsPermission permission)
    {
        permission = default;
        if (text.Length < 2)
        {
            return false;
        }

        XsPermissionAccess access;
        switch (text[0])
        {
            case 'n': access = XsPermissionAccess.None; break;
            case 'r': access = XsPermissionAccess.Read; break;
            case 'w': access = XsPermissionAccess.Write; break;
            case 'b': access = XsPermissionAccess.Both; break;
            default: return false;
        }

        if (!XsDecimal.TryParseDomId(text[1..], out DomId domain))
        {
            return false;
        }

        permission = new XsPermission(domain, access);
        return true;
    }

    /// <summary>The wire form: letter then decimal domid.</summary>
    public override string ToString()
    {
        char letter = Access switch
        {
            XsPermissionAccess.Read => 'r',
            XsPermissionAccess.Write => 'w',
            XsPermissionAccess.Both => 'b',
            _ => 'n',
        };
        return $"{letter}{Domain.Value}";
    }
}

using XvifSim.Public;

namespace XvifSim.Guest.Xenbus;

/// <summary>The answer to one XenStore request: a value, or the errno the store named.</summary>
public readonly record struct XsResult<T>(Errno Error, T? Value)
{
    public bool IsOk => Error == Errno.Ok;

    public static XsResult<T> Ok(T value) => new(Errno.Ok, value);

    public static XsResult<T> Failed(Errno error) => new(error, default);
}

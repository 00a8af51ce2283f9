using XvifSim.Public;

namespace XvifSim.Guest.Xenbus;

/// <summary>The answer to one XenStore request: a value, or the errno the store named.</summary>
public readonly record struct XsResult<T>(Errno Error, T? Value)
{
    /// <summary>The operation succeeded; <c>Value</c> holds its result.</summary>
    public bool IsOk => Error == Errno.Ok;

    /// <summary>A success carrying <paramref name="value"/>.</summary>
    public static XsResult<T> Ok(T value) => new(Errno.Ok, value);

    /// <summary>A failure with <paramref name="error"/>.</summary>
    public static XsResult<T> Failed(Errno error) => new(error, default);
}

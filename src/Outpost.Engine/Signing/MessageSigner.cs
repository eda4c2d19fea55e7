using MimeKit;
using Outpost.Engine.Domains;

namespace Outpost.Engine.Signing;

/// <summary>
/// DKIM-signs a message for the sending domain with every active key (RSA, and Ed25519 when enabled),
/// relaxed/relaxed, over the headers receivers look at, with From signed twice so no second From can
/// be added. Signing happens last, right before the bytes go out, so the bytes signed are the bytes
/// delivered.
/// </summary>
public sealed class MessageSigner(DkimKeyManager keys)
{
    static readonly string[] Signed = ["From", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"];

    public async Task<int> SignAsync(MimeMessage message, string domain, CancellationToken cancellationToken = default)
    {
        var signers = await keys.SignersAsync(domain, cancellationToken);
        if (signers.Count == 0)
            return 0;
        var headers = Signed.Where(h => message.Headers.Contains(h)).Append("From").ToArray();
        // Each signer prepends its header; sign Ed25519 first so the RSA signature ends on top.
        foreach (var signer in signers.Reverse())
            signer.Sign(message, headers);
        return signers.Count;
    }
}

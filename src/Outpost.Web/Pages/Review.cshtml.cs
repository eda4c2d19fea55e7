using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Review;

namespace Outpost.Web.Pages;

/// <summary>
/// For operators: the review queue. Messages the content model was unsure of wait here with their
/// external recipients held; release sends them, refuse bounces them to the sender with the reason and
/// counts a violation. The decision is kept with the operator's address, and the message joins the
/// local training corpus under the label the decision gives it.
/// </summary>
public sealed class ReviewModel(ReviewService reviews) : PageModel
{
    [BindProperty(SupportsGet = true)] public bool All { get; set; }

    public IReadOnlyList<ReviewItem> Items { get; private set; } = [];

    public async Task OnGetAsync() => Items = await reviews.ListAsync(!All, 500, HttpContext.RequestAborted);

    public Task<IActionResult> OnPostReleaseAsync(string id, string? reason) =>
        Act(reviews.ReleaseAsync(id, User.Identity!.Name!, Trim(reason), HttpContext.RequestAborted));

    public Task<IActionResult> OnPostRefuseAsync(string id, string? reason) =>
        Act(reviews.RefuseAsync(id, User.Identity!.Name!, Trim(reason), HttpContext.RequestAborted));

    async Task<IActionResult> Act(Task<(bool Done, string Sentence)> action)
    {
        var (_, sentence) = await action;
        TempData["Flash"] = sentence;
        return Redirect("/review");
    }

    static string? Trim(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? null : new string(reason.Trim().Where(c => !char.IsControl(c)).Take(500).ToArray());
}

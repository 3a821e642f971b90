from django import forms


class TokenForm(forms.Form):
    """The six-digit code from an authenticator app (spaces allowed, as some apps show "123 456")."""

    otp_token = forms.CharField(
        label="Six-digit code",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_otp_token(self):
        token = "".join(self.cleaned_data["otp_token"].split())
        if not (len(token) == 6 and token.isdigit()):
            raise forms.ValidationError("Enter the six digits your authenticator app shows.")
        return token
